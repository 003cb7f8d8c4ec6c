/**
 * The checks of the job options that take a shape rather than one value: `retryDelay`, `retryOn`
 * and `env`. Each returns a copy nimbus owns (read once, see option-reading.ts), never the user's
 * object, so a later change to that object changes no job.
 */
import { MAX_DELAY_MS } from './platform/long-timer.js';
import { must, readList, readOptions, readPlainObject, type Check } from './option-reading.js';
import { errors } from './errors.js';

const delayMs = must(
  (value) => typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= MAX_DELAY_MS,
  `a number of milliseconds from 0 to ${MAX_DELAY_MS}`,
);

const EXPONENTIAL: Readonly<Record<string, Check>> = {
  type: must((value) => value === 'exponential', "'exponential'"),
  base: delayMs,
  max: delayMs,
};

/** `retryDelay`: milliseconds, or `{ type: 'exponential', base, max? }`. */
export const checkRetryDelay: Check = (value, name) => {
  if (typeof value === 'number') return delayMs(value, name);
  const allowed = "a number of milliseconds or { type: 'exponential', base, max? }";
  if (typeof value !== 'object' || value === null) throw errors.badOption(name, value, allowed);
  return readOptions(EXPONENTIAL, value, name, { name: (key) => `${name}.${key}`, required: ['type', 'base'], allowed });
};

/** `retryOn`: a list of error names or codes ('TypeError', 'ERR_MAX_RUNTIME'). */
export const checkRetryOn: Check = (value, name) => {
  const allowed = "a list of error names or codes (['TypeError', 'ERR_MAX_RUNTIME'])";
  if (!Array.isArray(value)) throw errors.badOption(name, value, allowed);
  // An empty list would retry nothing while `retries` says otherwise: leaving it out is the way to retry every error the job threw.
  if (value.length === 0) throw errors.badOption(name, value, `${allowed}, not empty (leave it out to retry every error the job's code throws)`);
  return readList(value, name).map((item, i) => {
    if (typeof item !== 'string' || item.length === 0) throw errors.badOption(`${name}[${i}]`, item, 'a non-empty string');
    return item;
  });
};

/**
 * `env`: variable names to string values. A name holding '=' or NUL, or empty, could never be
 * set in an environment (a child process would see another variable, or none).
 */
export const checkEnv: Check = (value, name) => {
  const copy: Record<string, string> = {};
  for (const [key, text] of readPlainObject(value, name, 'a plain object of variable names to strings')) {
    if (key === '' || key.includes('=') || key.includes('\0')) throw errors.badOption(`${name} key`, key, "a variable name without '=' or NUL");
    if (typeof text !== 'string') throw errors.badOption(`${name}.${key}`, text, 'a string');
    if (text.includes('\0')) throw errors.badOption(`${name}.${key}`, text, 'a string without NUL');
    // Defined, not assigned: `copy.__proto__ = text` would be dropped (a string is no prototype).
    Object.defineProperty(copy, key, { value: text, enumerable: true, writable: true, configurable: true });
  }
  return Object.freeze(copy);
};
