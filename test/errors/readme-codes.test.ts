/**
 * The README lists every error code nimbus uses, with the exit status `nimbus` gives it: a code
 * added to src without its line in the README fails here. The codes are the unions of
 * src/error-codes.ts: the compiler holds every code src gives an error (CloudError.code, a
 * remote error's code) to them. Other ERR_ strings in src are Node's own (ERR_WORKER_OUT_OF_MEMORY).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXIT_OF_CODE } from '../../src/cli/exit-codes.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');

/** Every code of the unions of src/error-codes.ts. */
function codesInSource(): Set<string> {
  const declared = readFileSync(join(ROOT, 'src', 'error-codes.ts'), 'utf8');
  return new Set([...declared.matchAll(/'(ERR_[A-Z0-9_]+)'/g)].map((match) => match[1]!));
}

/** The rows of the README's tables of codes: code -> the row's cells after the code. */
function codesInReadme(): Map<string, string[]> {
  const section = README.slice(README.indexOf('#### Error codes'), README.indexOf('### Jobs that start jobs'));
  const rows = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const cells = line
      .split('|')
      .slice(1, -1)
      .map((cell) => cell.trim());
    const code = /^`(ERR_[A-Z0-9_]+)`$/.exec(cells[0] ?? '')?.[1];
    if (code === undefined) continue;
    // ERR_UNSHIPPABLE is in both tables: a CloudError's code, and a remote error's.
    if (!rows.has(code)) rows.set(code, cells.slice(1));
  }
  return rows;
}

describe('the README lists every error code', () => {
  const listed = codesInReadme();

  it('every code in src has its line in the README', () => {
    const declared = codesInSource();
    expect(declared.size).toBeGreaterThan(30);
    expect([...declared].filter((code) => !listed.has(code))).toEqual([]);
  });

  it('every code in the README is one that src uses', () => {
    const used = codesInSource();
    expect([...listed.keys()].filter((code) => !used.has(code))).toEqual([]);
  });

  it("the README tells the exit status `nimbus` gives each CloudError's code", () => {
    for (const [code, exit] of Object.entries(EXIT_OF_CODE)) {
      const cells = listed.get(code);
      expect(cells, code).toBeDefined();
      expect(cells![1], code).toBe(String(exit));
    }
  });
});

describe('every CloudError src makes has a code', () => {
  // Made elsewhere, with its reason: the channel revives an error that crossed it, code and all.
  const ALLOWED = new Map([['wire/nested-channel.ts', 'revives a CloudError with the code it crossed with']]);

  it('is made by the one table of src/errors.ts, which gives each its code', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }).filter((file) => file.endsWith('.ts'));
    const elsewhere = files.filter(
      (file) => file !== 'errors.ts' && !ALLOWED.has(file) && /new CloudError\(/.test(readFileSync(join(ROOT, 'src', file), 'utf8')),
    );
    expect(elsewhere).toEqual([]);
  });
});
