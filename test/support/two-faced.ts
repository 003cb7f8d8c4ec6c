/**
 * Options that answer one value at their first read and another after: a getter or a Proxy trap
 * can, so nimbus must read each option once and use what it read. Each object counts its reads.
 */

/** Each key: [the value of the first read, the value of every later read]. */
export type TwoFaces = Record<string, readonly [unknown, unknown]>;

export interface Counted<T> {
  value: T;
  /** Reads of each key so far. */
  reads: Record<string, number>;
}

/** A plain object whose properties are enumerable getters. */
export function twoFacedObject<T = Record<string, unknown>>(faces: TwoFaces): Counted<T> {
  const reads: Record<string, number> = {};
  const value = {};
  for (const [key, [first, later]] of Object.entries(faces)) {
    reads[key] = 0;
    Object.defineProperty(value, key, {
      enumerable: true,
      get: () => (++reads[key]! === 1 ? first : later),
    });
  }
  return { value: value as T, reads };
}

/** A Proxy over a plain object whose `get` trap answers the first value, then the later one. */
export function twoFacedProxy<T = Record<string, unknown>>(faces: TwoFaces): Counted<T> {
  const reads: Record<string, number> = {};
  const target: Record<string, unknown> = {};
  for (const [key, [first]] of Object.entries(faces)) {
    reads[key] = 0;
    target[key] = first;
  }
  const value = new Proxy(target, {
    get(_target, key) {
      if (typeof key !== 'string' || !(key in faces)) return undefined;
      return ++reads[key]! === 1 ? faces[key]![0] : faces[key]![1];
    },
  });
  return { value: value as T, reads };
}

/** An array whose items are getters: `[first, later]` per index. */
export function twoFacedList<T = unknown>(faces: readonly (readonly [unknown, unknown])[]): Counted<T[]> {
  const reads: Record<string, number> = {};
  const value: unknown[] = new Array(faces.length);
  faces.forEach(([first, later], index) => {
    reads[index] = 0;
    Object.defineProperty(value, index, {
      enumerable: true,
      get: () => (++reads[index]! === 1 ? first : later),
    });
  });
  return { value: value as T[], reads };
}

/** Every key read exactly once. */
export function eachReadOnce(reads: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.keys(reads).map((key) => [key, 1]));
}
