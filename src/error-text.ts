/**
 * How values, thrown values and causes read inside an error message. Each helper is total: it never
 * runs a value's own code (a getter, a Proxy trap), which may throw or answer differently each time.
 */
import { isProxy } from 'node:util/types';

const MB = 1024 * 1024;

/** A value as it reads in an error message: short, and telling its type. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value);
  if (typeof value === 'bigint') return `${value}n`;
  if (typeof value === 'symbol') return value.toString();
  if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return String(value);
  if (isProxy(value)) return 'a Proxy';
  if (typeof value === 'function') return `a function ${ownData(value, 'name') || '(anonymous)'}`;
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  if (value instanceof Promise) return 'a Promise (did you forget an `await`?)';
  const ctor = constructorName(value);
  return ctor && ctor !== 'Object' ? `${article(ctor)} ${ctor}` : 'an object';
}

/** 'a' or 'an', as the word that follows is said: an AbortController, a URL, a Map. */
function article(word: string): string {
  // An initialism reads letter by letter: a URL, an HTTPAgent ("aitch"), an SVGElement.
  if (/^[A-Z]{2}/.test(word)) return /^[AEFHILMNORSX]/.test(word) ? 'an' : 'a';
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

/** What a thrown value says, for a message; never throws itself. */
export function describeThrown(thrown: unknown): string {
  if (thrown instanceof Error) {
    const name = ownData(thrown, 'name') ?? constructorName(thrown) ?? 'Error';
    const message = ownData(thrown, 'message');
    return message ? `${name}: ${message}` : name;
  }
  return show(thrown);
}

/** What went wrong, in a few words: a system error's meaning and code, or an error's message. */
export function reason(cause: unknown): string {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string' && code in SYSTEM_ERRORS) return `${SYSTEM_ERRORS[code]} (${code})`;
  return cause instanceof Error ? cause.message : String(cause);
}

/** A size in bytes as a message tells it: in MB too when it is that large. */
export function bytes(count: number): string {
  return count >= MB ? `${+(count / MB).toFixed(1)} MB (${count} bytes)` : `${count} bytes`;
}

/** The system errors a file operation meets, as a user reads them. */
const SYSTEM_ERRORS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied (operation not permitted)',
  EISDIR: 'is a directory',
  ENOTDIR: 'a part of the path is a file, not a directory',
  ENAMETOOLONG: 'a part of the name is longer than the file system allows (usually 255 bytes)',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'read-only file system',
  EMFILE: 'too many open files',
  ELOOP: 'a symbolic link is in the way (not followed), or links loop',
};

/** The name of the class an object was made by, read without running any getter. */
function constructorName(value: object): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a value of the user's, whatever its type
  for (let proto: object | null = Object.getPrototypeOf(value); proto !== null; proto = Object.getPrototypeOf(proto)) {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a value of the user's, whatever its type
    const ctor = Object.getOwnPropertyDescriptor(proto, 'constructor')?.value;
    // eslint-disable-next-line @typescript-eslint/no-unsafe-argument -- a value of the user's, whatever its type
    if (typeof ctor === 'function') return ownData(ctor, 'name');
  }
  return undefined;
}

/** A string-valued data property of the object or its prototypes; a getter is not run. */
function ownData(value: object, key: string): string | undefined {
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment -- a value of the user's, whatever its type
  for (let proto: object | null = value; proto !== null; proto = Object.getPrototypeOf(proto)) {
    const descriptor = Object.getOwnPropertyDescriptor(proto, key);
    if (descriptor) return typeof descriptor.value === 'string' ? descriptor.value : undefined;
  }
  return undefined;
}
