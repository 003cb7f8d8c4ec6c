/** The rules of file names (keys) and list prefixes, each refused with its own message. */
import { describe, expect, it } from 'vitest';
import { MAX_NAME_BYTES, checkFileName, checkFilePrefix } from '../../src/files/file-key.js';
import { messageOf } from './support/refusals.js';

describe('file names', () => {
  it.each(['names.txt', 'runs/7/out.txt', '.hidden', 'a..b', '...', 'with space', 'ünïcödé/名前', '📁/file', 'x'.repeat(MAX_NAME_BYTES)])(
    'takes %j',
    (name) => {
      expect(checkFileName(name)).toBe(name);
    },
  );

  it.each([
    [42, 'bad file name 42: it must be a string'],
    ['', 'bad file name "": it must not be empty'],
    ['é'.repeat(513), `bad file name "${'é'.repeat(57)}...": it must be at most 1024 bytes long (UTF-8)`],
    ['a\0b', 'bad file name "a\\u0000b": it must not contain a NUL character'],
    ['bad\uD800', 'bad file name "bad\\ud800": it must be well-formed Unicode (it has a lone surrogate)'],
    ['/etc/passwd', 'bad file name "/etc/passwd": it must not start with \'/\': names are keys, not absolute paths'],
    ['a//b', "bad file name \"a//b\": it must not have an empty part ('//' or a '/' at the end)"],
    ['a/', "bad file name \"a/\": it must not have an empty part ('//' or a '/' at the end)"],
    ['..', "bad file name \"..\": no part of it may be '.' or '..': names are keys, not paths"],
    ['a/../../b', "bad file name \"a/../../b\": no part of it may be '.' or '..': names are keys, not paths"],
    ['./a', "bad file name \"./a\": no part of it may be '.' or '..': names are keys, not paths"],
    ['.nimbus/partial/x', "bad file name \".nimbus/partial/x\": '.nimbus/' is reserved for the store's own files"],
  ])('refuses %j', (name, message) => {
    expect(messageOf(() => checkFileName(name))).toBe(message);
  });
});

describe('list prefixes', () => {
  it.each([undefined, '', 'logs/', 'logs/2024-', 'a', '.', '..', 'a/.'])('takes %j', (prefix) => {
    expect(checkFilePrefix(prefix)).toBe(prefix ?? '');
  });

  it.each([
    ['/', 'bad prefix "/": it must not start with \'/\': names are keys, not absolute paths'],
    ['a/../', "bad prefix \"a/../\": no part of it may be '.' or '..': names are keys, not paths"],
    ['.nimbus/', "bad prefix \".nimbus/\": '.nimbus/' is reserved for the store's own files"],
    [7, 'bad prefix 7: it must be a string'],
  ])('refuses %j', (prefix, message) => {
    expect(messageOf(() => checkFilePrefix(prefix))).toBe(message);
  });
});
