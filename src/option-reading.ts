/**
 * The one way nimbus checks what a user passes as options (job options, wait options, the Cloud
 * config, the files config, the dashboard's options): read exactly once into a plain copy that
 * nimbus owns, then checked against a table of checks, each refusal naming the option, the value
 * and what is allowed (errors.badOption, ERR_BAD_OPTION). A getter or a Proxy can answer
 * differently at each read; checking one read and using another would let a bad value in, so the
 * copy is checked and used, never the original again.
 */
import { errors } from './errors.js';

/** Checks one option's value (read once already) and returns what to keep: the value, or a copy. */
export type Check = (value: unknown, name: string) => unknown;

/** The checks of the options a value may have, by name; a name not in it is refused. */
export type CheckTable = Readonly<Record<string, Check>>;

export interface TableReading {
  /** How an option is named in a message; by default its key. */
  name?: (key: string) => string;
  /** Options that must be given: when absent, their check sees undefined (and names them). */
  required?: readonly string[];
  /** What the whole value must be, as a refusal says it; by default 'a plain object'. */
  allowed?: string;
}

/**
 * Copies `value`'s options (each read once), checks the copy against `table` and returns it. An
 * option set to undefined is left out, as not given.
 */
export function readOptions<T extends object>(table: CheckTable, value: unknown, where: string, how: TableReading = {}): T {
  const { name = (key: string) => key, required = [], allowed } = how;
  const checked: Record<string, unknown> = {};
  for (const [key, option] of readPlainObject(value, where, allowed)) {
    if (!Object.hasOwn(table, key)) throw errors.unknownOption(where, key, Object.keys(table));
    if (option !== undefined) checked[key] = table[key]!(option, name(key));
  }
  for (const key of required) if (!Object.hasOwn(checked, key)) table[key]!(undefined, name(key));
  return checked as T;
}

/** A check that refuses what `holds` does not accept, saying `allowed` ('a positive integer'). */
export function must(holds: (value: unknown) => boolean, allowed: string): Check {
  return (value, name) => {
    if (!holds(value)) throw errors.badOption(name, value, allowed);
    return value;
  };
}

export const oneOf = (allowed: readonly string[]): Check =>
  must((value) => typeof value === 'string' && allowed.includes(value), `one of ${allowed.map((a) => `'${a}'`).join(', ')}`);
export const positiveInteger = must((value) => Number.isSafeInteger(value) && (value as number) >= 1, 'a positive integer');
export const nonNegativeInteger = must((value) => Number.isSafeInteger(value) && (value as number) >= 0, 'a whole number (0 or more)');
export const integerFrom = (min: number, max: number): Check =>
  must((value) => Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max, `an integer from ${min} to ${max}`);
export const positiveNumber = (unit: string): Check => must((value) => isFinite(value) && value > 0, `a positive number${unit}`);
export const nonNegativeNumber = (unit: string): Check => must((value) => isFinite(value) && value >= 0, `a number of${unit} (0 or more)`);
export const finiteNumber = must(isFinite, 'a finite number');
export const boolean = must((value) => typeof value === 'boolean', 'true or false');
export const string = must((value) => typeof value === 'string', 'a string');
export const nonEmptyString = must((value) => typeof value === 'string' && value.length > 0, 'a non-empty string');

/** One item, or a list of them copied item by item. */
export const oneOrList =
  (check: Check): Check =>
  (value, name) => {
    if (!Array.isArray(value)) return check(value, name);
    return readList(value, name).map((item, i) => check(item, `${name}[${i}]`));
  };

/** A plain object's own enumerable string-keyed entries, each read once, in order. */
export function readPlainObject(value: unknown, where: string, allowed = 'a plain object'): [string, unknown][] {
  if (!isPlainObject(value)) throw errors.badOption(where, value, allowed);
  let key: string | undefined;
  try {
    const entries: [string, unknown][] = [];
    for (key of Object.keys(value)) entries.push([key, (value as Record<string, unknown>)[key]]);
    return entries;
  } catch (error) {
    throw errors.unreadable(key === undefined ? where : `${where}.${key}`, error);
  }
}

/** An array's items, each read once. */
export function readList(value: readonly unknown[], where: string): unknown[] {
  let index: number | undefined;
  try {
    const length = value.length;
    const items = new Array<unknown>(length);
    for (index = 0; index < length; index++) items[index] = value[index];
    return items;
  } catch (error) {
    throw errors.unreadable(index === undefined ? where : `${where}[${index}]`, error);
  }
}

/** `{ ... }` or `Object.create(null)`: not an array, a Map, a class instance or a primitive. */
export function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  try {
    if (Array.isArray(value)) return false;
    const prototype: unknown = Object.getPrototypeOf(value);
    // Another realm's Object.prototype (a vm context) is as plain as this one's.
    return prototype === null || prototype === Object.prototype || Object.getPrototypeOf(prototype) === null;
  } catch {
    // A revoked Proxy, or one whose getPrototypeOf trap throws.
    return false;
  }
}

function isFinite(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}
