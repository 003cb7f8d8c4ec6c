/** ARCHITECTURE.md's file map names every file of src/: a file added without a place there fails here. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

describe('ARCHITECTURE.md', () => {
  const map = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  /** The paths the file map lists, relative to src/. */
  const listed = new Set(
    map
      .split('\n')
      .map((line) => line.trim().split(/\s+/)[0] ?? '')
      .filter((word) => /\.[a-z]+$/.test(word)),
  );

  it('maps every file of src/', () => {
    const files = readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8', withFileTypes: false }).filter(
      (file) => /\.[a-z]+$/.test(file) && !file.endsWith('.map'),
    );
    expect(files.filter((file) => !listed.has(file)).sort()).toEqual([]);
  });

  it('maps no file that is gone', () => {
    const files = new Set(readdirSync(join(ROOT, 'src'), { recursive: true, encoding: 'utf8' }));
    expect([...listed].filter((file) => !files.has(file)).sort()).toEqual([]);
  });
});
