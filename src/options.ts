/**
 * Every option a user can pass, checked at the edge in one table with one message style:
 * the parameter's name, the value received, and what is allowed. Inner code trusts the result.
 */
import { errors } from './errors.js';
import type { CloudConfig, JobOptions, WaitOptions } from './types/job-options.js';
import { RESOURCE_TYPES } from './types/job-options.js';
import type { JobFilter, ResolvedJobOptions } from './types/job-service.js';
import { JOB_STATUSES, type JobStatus } from './types/job-status.js';

type Check = (value: unknown, name: string) => void;

const oneOf = (allowed: readonly string[]): Check => (value, name) => {
  if (typeof value !== 'string' || !allowed.includes(value)) throw errors.badOption(name, value, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
};
const positiveInteger: Check = (value, name) => {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw errors.badOption(name, value, 'a positive integer');
};
const positiveNumber = (unit: string): Check => (value, name) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) throw errors.badOption(name, value, `a positive number${unit}`);
};
const nonNegativeNumber = (unit: string): Check => (value, name) => {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw errors.badOption(name, value, `a number of${unit} (0 or more)`);
};
const nonNegativeInteger: Check = (value, name) => {
  if (!Number.isSafeInteger(value) || (value as number) < 0) throw errors.badOption(name, value, 'a whole number (0 or more)');
};
const finiteNumber: Check = (value, name) => {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw errors.badOption(name, value, 'a finite number');
};
const boolean: Check = (value, name) => {
  if (typeof value !== 'boolean') throw errors.badOption(name, value, 'true or false');
};
const string: Check = (value, name) => {
  if (typeof value !== 'string') throw errors.badOption(name, value, 'a string');
};
const jids: Check = (value, name) => {
  const list = Array.isArray(value) ? value : [value];
  list.forEach((jid, i) => checkJid(jid, Array.isArray(value) ? `${name}[${i}]` : name));
};
const memoryLimits: Check = (value, name) => {
  checkPlainObject(value, name);
  for (const [type, limit] of Object.entries(value as object)) {
    oneOf(RESOURCE_TYPES)(type, `${name} key`);
    positiveNumber(' of MB')(limit, `${name}.${type}`);
  }
};
const anything: Check = () => {};

const JOB_OPTIONS: Readonly<Record<keyof JobOptions, Check>> = {
  type: oneOf(RESOURCE_TYPES),
  cores: positiveInteger,
  dependsOn: jids,
  dependsOnErrors: oneOf(['abort', 'ignore']),
  label: string,
  maxRuntime: positiveNumber(' of milliseconds'),
  priority: finiteNumber,
  restartable: boolean,
};

const WAIT_OPTIONS: Readonly<Record<keyof WaitOptions, Check>> = {
  timeout: nonNegativeNumber(' milliseconds'),
  ignoreErrors: boolean,
  progress: boolean,
};

const LIST_FILTER: Readonly<Record<'status' | 'label' | 'limit', Check>> = {
  status: (value, name) => (Array.isArray(value) ? value : [value]).forEach((status, i) => oneOf(JOB_STATUSES)(status, Array.isArray(value) ? `${name}[${i}]` : name)),
  label: string,
  limit: positiveInteger,
};

const CONFIG: Readonly<Record<keyof CloudConfig, Check>> = {
  simulator: boolean,
  cores: positiveInteger,
  computeUnits: positiveNumber(' of compute units'),
  memoryLimits,
  s1Concurrency: positiveInteger,
  isolation: oneOf(['process', 'thread']),
  maxRestarts: nonNegativeInteger,
  files: anything,
  home: string,
};

function checkAgainst<T extends object>(table: Readonly<Record<string, Check>>, value: unknown, where: string): T {
  if (value === undefined) return {} as T;
  checkPlainObject(value, where);
  for (const [key, option] of Object.entries(value as object)) {
    const check = table[key];
    if (!check) throw errors.unknownOption(where, key, Object.keys(table));
    if (option !== undefined) check(option, key);
  }
  return value as T;
}

function checkPlainObject(value: unknown, where: string): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw errors.badOption(where, value, 'an object');
}

export function checkJobOptions(options: unknown): JobOptions {
  return checkAgainst<JobOptions>(JOB_OPTIONS, options, 'cloud.with options');
}

export function checkWaitOptions(options: unknown): WaitOptions {
  return checkAgainst<WaitOptions>(WAIT_OPTIONS, options, 'wait options');
}

/** How many jobs `list` returns when not told. */
export const DEFAULT_LIST_LIMIT = 100;

export function checkListFilter(filter: unknown): JobFilter {
  const checked = checkAgainst<{ status?: JobStatus | JobStatus[]; label?: string; limit?: number }>(LIST_FILTER, filter, 'list filter');
  const status = checked.status === undefined ? undefined : ([] as JobStatus[]).concat(checked.status);
  return { status, label: checked.label, limit: checked.limit ?? DEFAULT_LIST_LIMIT };
}

export function checkConfig(config: unknown): CloudConfig {
  return checkAgainst<CloudConfig>(CONFIG, config, 'Cloud config');
}

export function checkJid(value: unknown, where: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 1) throw errors.badJid(where, value);
  return value as number;
}

/** One jid or a list of them, as the API takes them; remembers which it was. */
export function checkJids(value: unknown, where: string): { jids: number[]; single: boolean } {
  if (Array.isArray(value)) return { jids: value.map((jid, i) => checkJid(jid, `${where}[${i}]`)), single: false };
  if (typeof value === 'object' && value !== null && Symbol.iterator in value) {
    return checkJids([...(value as Iterable<unknown>)], where);
  }
  return { jids: [checkJid(value, where)], single: true };
}

export const DEFAULT_PRIORITY = 5;

/** Fills every default in (checked) options. */
export function resolveJobOptions(options: JobOptions): ResolvedJobOptions {
  const dependsOn = options.dependsOn === undefined ? [] : ([] as number[]).concat(options.dependsOn as number | number[]);
  return {
    type: options.type ?? 'c1',
    cores: options.cores ?? 1,
    priority: options.priority ?? DEFAULT_PRIORITY,
    label: options.label,
    dependsOn,
    dependsOnErrors: options.dependsOnErrors ?? 'abort',
    maxRuntime: options.maxRuntime,
    restartable: options.restartable ?? false,
  };
}

/** The default instance's configuration, from NIMBUS_* environment variables. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): CloudConfig {
  const config: CloudConfig = {};
  if (env.NIMBUS_SIMULATOR) config.simulator = env.NIMBUS_SIMULATOR === '1' || env.NIMBUS_SIMULATOR === 'true';
  if (env.NIMBUS_CORES) config.cores = numberFromEnvironment(env, 'NIMBUS_CORES', positiveInteger);
  if (env.NIMBUS_COMPUTE_UNITS) config.computeUnits = numberFromEnvironment(env, 'NIMBUS_COMPUTE_UNITS', positiveNumber(' of compute units'));
  if (env.NIMBUS_HOME) config.home = env.NIMBUS_HOME;
  return config;
}

/** A number read from the environment; a bad one is named with the text it holds. */
function numberFromEnvironment(env: NodeJS.ProcessEnv, variable: string, check: Check): number {
  const text = env[variable]!;
  const value = Number(text);
  // Checked as a number; a refusal shows the text as written ('got "four"', not 'got NaN').
  try {
    check(value, variable);
  } catch {
    check(text, variable);
  }
  return value;
}
