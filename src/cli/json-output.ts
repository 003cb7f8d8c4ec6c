/**
 * Any job value or record as JSON, for `--json`: what JSON cannot hold is written as the nearest
 * thing it can (a bigint as a string of its digits, a Map as an object, a Set as an array,
 * undefined as null), so that printing a result never throws.
 */

export function toJson(value: unknown): string {
  return JSON.stringify(value ?? null, jsonReplacer);
}

function jsonReplacer(_key: string, value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (value instanceof Map) return Object.fromEntries([...value].map(([key, item]) => [String(key), item]));
  if (value instanceof Set) return [...value];
  if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}
