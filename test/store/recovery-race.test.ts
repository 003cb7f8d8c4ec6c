/**
 * Three processes open a home at the same moment after its owner died: each unfinished job is
 * taken over by exactly one of them (a transaction claims it), every restartable job runs once
 * more, and every reader gets the same result for every jid (a complete record never changes).
 */
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { Cloud } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const fixture = (name: string) => fileURLToPath(new URL(`../fixtures/store/${name}`, import.meta.url));
const JOBS = 40;
const READERS = 3;

describe('recovering a dead owner from three processes at once', () => {
  it('runs each restartable job once more, in one of them, and all readers agree', async () => {
    const home = mkdtempSync(join(tmpdir(), 'nimbus-race-'));
    const { stdout } = await run(process.execPath, [fixture('restartables-then-die.mjs'), home, home, String(JOBS)], { timeout: 30_000 }).catch(
      (e: { stdout: string }) => e,
    );
    const jids = JSON.parse(stdout) as number[];

    // Each reader starts, says "ready", and opens the home only when the go file appears: at once.
    const go = join(home, 'go');
    const readers = Array.from({ length: READERS }, () => spawn(process.execPath, [fixture('open-and-read.mjs'), home, JSON.stringify(jids), go]));
    const lines = readers.map((reader) => createInterface({ input: reader.stdout })[Symbol.asyncIterator]());
    for (const line of lines) expect((await line.next()).value).toBe('ready');
    writeFileSync(go, '');
    const results = await Promise.all(lines.map(async (line) => JSON.parse((await line.next()).value as string) as string[]));
    const expected = jids.map((_, key) => `ran ${key}`);
    for (const result of results) expect(result).toEqual(expected);

    const after = readFileSync(join(home, 'runs'), 'utf8')
      .split('\n')
      .filter((line) => line.endsWith(' after'));
    const runsPerKey = jids.map((_, key) => after.filter((line) => line === `${key} after`).length);
    expect(runsPerKey).toEqual(jids.map(() => 1));

    const cloud = new Cloud({ home, cores: 1 });
    expect(await cloud.result(jids)).toEqual(expected);
    expect(await cloud.status(jids)).toEqual(jids.map(() => 'done'));
    await cloud.close();
  });
});
