/**
 * Every program in examples/, run as the README tells a user to (`node examples/<name>.js`), on its
 * own, in a scratch working directory: each must exit 0 with the right answer and print nothing
 * on stderr. The Redis example gets a real redis-server of its own.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { startRedisServer } from './support/redis-server.js';

const execFileAsync = promisify(execFile);
const EXAMPLES = resolve(import.meta.dirname, '..', 'examples');
const scratch = mkdtempSync(join(tmpdir(), 'nimbus-examples-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function runExample(name: string, args: string[] = []): Promise<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('NIMBUS_')));
  const { stdout, stderr } = await execFileAsync(process.execPath, [join(EXAMPLES, name), ...args], { cwd: scratch, env, timeout: 120_000 });
  expect(stderr).toBe('');
  return stdout;
}

describe('examples/', () => {
  it('has a test here for every example program', () => {
    const programs = readdirSync(EXAMPLES).filter((name) => name.endsWith('.js') && name !== 'machine-load.js');
    expect(programs.sort()).toEqual(['monte-carlo-pi.js', 'pipeline.js', 'prime-counts.js', 'redis-map.js', 'scraper.js']);
  });

  it('prime-counts: a CPU-heavy map with a progress bar', { timeout: 120_000 }, async () => {
    expect(await runExample('prime-counts.js', ['100000'])).toBe('9592 primes below 100,000, in 40 jobs\n');
  });

  it('pipeline: downloads, summaries that depend on them, a report that depends on those, through cloud.files', { timeout: 120_000 }, async () => {
    const lines = (await runExample('pipeline.js')).trim().split('\n');
    expect(lines[0]).toBe('the report job is waiting until the summaries are done');
    expect(lines.slice(1, 4).map((line) => line.replace(/\d+ in all/, 'N in all'))).toEqual([
      '2026-11-28: 1000 sales, N in all',
      '2026-11-29: 1000 sales, N in all',
      '2026-11-30: 1000 sales, N in all',
    ]);
    const totals = lines.slice(1, 4).map((line) => Number(/(\d+) in all/.exec(line)![1]));
    expect(lines[4]).toBe(`grand total ${totals.reduce((sum, n) => sum + n, 0)}`);
  });

  it('scraper: s1 jobs fetching pages from a local server', { timeout: 120_000 }, async () => {
    const lines = (await runExample('scraper.js')).trim().split('\n');
    expect(lines[0]).toMatch(/^24 pages in [\d.]+ s \(one after another: 4\.8 s\)$/);
    expect(lines[1]).toBe('Page 1: 1 words; Page 24: 24 words');
  });

  it('monte-carlo-pi (npm run demo): the estimate, the speedup and how busy the machine was', { timeout: 300_000 }, async () => {
    const lines = (await runExample('monte-carlo-pi.js', ['2000000'])).trim().split('\n');
    expect(lines[0]).toMatch(/^pi ≈ 3\.14\d* \(Math\.PI = 3\.141592653589793\)$/);
    expect(lines[2]).toMatch(/speedup [\d.]+x$/);
    expect(lines[3]).toMatch(/other programs used \d+% of the \d+ cores meanwhile|load average/);
    expect(lines).toHaveLength(4);
  });

  it('redis-map: two nimbus workers share a map on Redis', { timeout: 120_000 }, async () => {
    const redis = await startRedisServer();
    try {
      expect(await runExample('redis-map.js', [redis.url])).toMatch(/^100 jobs; the last sum is 500000500000; they ran on [12] worker\(s\)\n$/);
    } finally {
      await redis.stop();
    }
  });
});
