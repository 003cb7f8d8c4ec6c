/**
 * The rules a file name (a key) obeys, checked where it enters cloud.files. Names are keys, not
 * paths: '/' is allowed, but nothing that would make a name mean a different place (an absolute
 * name, a '.' or '..' part, an empty part) or alias another name, so that a store mapping names
 * to files (the disk store) can never be led outside its directory.
 */
import { errors } from '../errors.js';

export const MAX_NAME_BYTES = 1024; // UTF-8 bytes, as S3 keys

/** The first part of the names the stores keep for themselves (partial writes, MD5 records). */
export const RESERVED_PART = '.nimbus';

type Rule = readonly [broken: (name: string, parts: string[]) => boolean, rule: string];

const NAME_RULES: readonly Rule[] = [
  [(name) => name.length === 0, 'it must not be empty'],
  [(name) => Buffer.byteLength(name) > MAX_NAME_BYTES, `it must be at most ${MAX_NAME_BYTES} bytes long (UTF-8)`],
  [(name) => name.includes('\0'), 'it must not contain a NUL character'],
  [(name) => !isWellFormed(name), 'it must be well-formed Unicode (it has a lone surrogate)'],
  [(name) => name.startsWith('/'), "it must not start with '/': names are keys, not absolute paths"],
  [(_, parts) => parts.includes(''), "it must not have an empty part ('//' or a '/' at the end)"],
  [(_, parts) => parts.some((part) => part === '.' || part === '..'), "no part of it may be '.' or '..': names are keys, not paths"],
  [(_, parts) => parts[0] === RESERVED_PART, `'${RESERVED_PART}/' is reserved for the store's own files`],
];

/** `name`, if it obeys every rule; otherwise a CloudError naming it and the first rule it breaks. */
export function checkFileName(name: unknown): string {
  if (typeof name !== 'string') throw errors.badFileName(name, 'it must be a string');
  const broken = brokenRule(name);
  if (broken) throw errors.badFileName(name, broken);
  return name;
}

/**
 * A `list` prefix: any start of a valid name (its last part may be unfinished: 'logs/2024-'), so
 * that a store may start its walk at the folders it names.
 */
export function checkFilePrefix(prefix: unknown): string {
  if (prefix === undefined || prefix === '') return '';
  if (typeof prefix !== 'string') throw errors.badFilePrefix(prefix, 'it must be a string');
  const broken = brokenRule(prefix + 'x');
  if (broken) throw errors.badFilePrefix(prefix, broken);
  return prefix;
}

function brokenRule(name: string): string | undefined {
  const parts = name.split('/');
  return NAME_RULES.find(([broken]) => broken(name, parts))?.[1];
}

/** True for the names of the stores' own files, which `list` never shows. */
export function isReservedName(name: string): boolean {
  return name === RESERVED_PART || name.startsWith(RESERVED_PART + '/');
}

function isWellFormed(text: string): boolean {
  return !/\p{Surrogate}/u.test(text);
}
