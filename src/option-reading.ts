/**
 * Reads what a user passed as options exactly once, into plain copies that nimbus owns. A getter
 * or a Proxy can answer differently at each read; checking one read and using another would let
 * a bad value in, so options are copied first, then the copy is checked and used, never the
 * original again.
 */
import { errors } from './errors.js';

/** A plain object's own enumerable string-keyed entries, each read once, in order. */
export function readPlainObject(value: unknown, where: string): [string, unknown][] {
  if (!isPlainObject(value)) throw errors.badOption(where, value, 'a plain object');
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
function isPlainObject(value: unknown): value is object {
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
