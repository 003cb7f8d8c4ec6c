/**
 * Turns the words of a command line into values, or a UsageError naming the word at fault: jids
 * (`12`, or a range `10-20`) and whole numbers of option values.
 */
import type { Jid } from '../types/jid.js';
import type { OptionValues } from './command.js';
import { UsageError } from './usage-error.js';

const MAX_RANGE_JIDS = 100_000; // jids one range may stand for: a typo like 1-99999999 must not allocate them all

/** `12 14 20-25` → 12, 14, 20, 21, ..., 25, in the order given. */
export function parseJids(words: readonly string[]): Jid[] {
  const jids: Jid[] = [];
  for (const word of words) {
    const range = /^(\d+)-(\d+)$/.exec(word);
    if (range) {
      const [first, last] = [Number(range[1]), Number(range[2])];
      if (first < 1 || last < first || last - first >= MAX_RANGE_JIDS) {
        throw new UsageError(`bad range of jids '${word}': it must go up from 1 or more, ${MAX_RANGE_JIDS} jids at most`);
      }
      for (let jid = first; jid <= last; jid++) jids.push(jid);
    } else if (/^\d+$/.test(word) && Number(word) >= 1 && Number.isSafeInteger(Number(word))) {
      jids.push(Number(word));
    } else {
      throw new UsageError(`'${word}' is not a jid (a positive integer) or a range of jids (such as 10-20)`);
    }
  }
  return jids;
}

/** The value of option `--name` as a whole number from `min` on, or undefined when not given. */
export function integerOption(values: OptionValues, name: string, min: number): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(number) || number < min) {
    throw new UsageError(`--${name} must be a whole number of ${min} or more, got '${String(value)}'`);
  }
  return number;
}

/** The value of option `--name` as a number over 0 (2, 2.5), or undefined when not given. */
export function positiveNumberOption(values: OptionValues, name: string): number | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  const number = typeof value === 'string' && /^\d+(\.\d+)?$/.test(value) ? Number(value) : NaN;
  if (!Number.isFinite(number) || number <= 0) throw new UsageError(`--${name} must be a number over 0, got '${String(value)}'`);
  return number;
}

/** The value of option `--name` as a string, or undefined when not given. */
export function stringOption(values: OptionValues, name: string): string | undefined {
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

/** Every value of a repeatable option `--name`, commas splitting them too: `--status error,killed`. */
export function listOption(values: OptionValues, name: string): string[] | undefined {
  const value = values[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).flatMap((item) => String(item).split(',')).filter((item) => item !== '');
}
