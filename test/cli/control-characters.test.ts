/**
 * A job cannot drive the user's terminal through the nimbus command: every control character it
 * put in its label, function name, output, value or error is printed escaped (`\u001b`), in text
 * and in JSON; line feeds and tabs of multi-line text (stdout, stacks, values) stay as they are.
 */
import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { nimbusSpawned, type Ran } from './support/nimbus.js';

const run = promisify(execFile);
const fixture = fileURLToPath(new URL('../fixtures/cli/run-hostile-jobs.mjs', import.meta.url));

/** What must never reach a terminal raw: C0 but line feed and tab, DEL, C1, bidi controls, line separators. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]/;
/** How the fixture's ESC [2J (clear the screen) must show. */
const CLEAR_SCREEN_SHOWN = '\\u001b[2J';

describe('the nimbus command and control characters a job wrote', () => {
  let home: string;
  let jids: { printer: number; object: number; failing: number; escapes: string };
  beforeAll(async () => {
    home = join(await mkdtemp(join(tmpdir(), 'nimbus-cli-controls-')), '.nimbus');
    const { stdout } = await run(process.execPath, [fixture, home], { timeout: 30_000 });
    jids = JSON.parse(stdout);
  });
  const nimbus = async (...args: string[]): Promise<Ran> => {
    const ran = await nimbusSpawned([...args, '--home', home]);
    expect(ran.stdout).not.toMatch(RAW_CONTROL);
    expect(ran.stderr).not.toMatch(RAW_CONTROL);
    return ran;
  };

  it('jobs: the label and the function name are shown escaped, one row per job', async () => {
    const jobs = await nimbus('jobs');
    expect(jobs.code).toBe(0);
    const row = jobs.stdout.split('\n').find((line) => line.trimStart().startsWith(`${jids.printer} `));
    expect(row).toContain(`noisy${CLEAR_SCREEN_SHOWN}`);
    expect(row).toContain(`label ${CLEAR_SCREEN_SHOWN}\\u001b]0;pwned\\u0007\\u000dover\\u009b31m\\u202eevil\\u007f`);
    expect(jobs.stdout.trimEnd().split('\n')).toHaveLength(4);
  });

  it('info: fields, stdout and stderr escaped; the output keeps its lines and tabs', async () => {
    const info = await nimbus('info', String(jids.printer));
    expect(info.code).toBe(0);
    expect(info.stdout).toContain(`stdout:\n  out ${CLEAR_SCREEN_SHOWN}`);
    expect(info.stdout).toContain('\\u007f\tend\nstderr:\n  err ');
  });

  it("result: a string value, an object value, and an error's name, message and stack", async () => {
    const text = await nimbus('result', String(jids.printer));
    expect(text).toMatchObject({ code: 0, stderr: '' });
    expect(text.stdout).toMatch(/^value \\u001b\[2J.*\nsecond line\n$/);
    expect((await nimbus('result', String(jids.object))).code).toBe(0);
    const failed = await nimbus('result', String(jids.failing));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Job ${jids.failing}: message ${CLEAR_SCREEN_SHOWN}`);
    expect(failed.stderr).toContain(`\n  Name${CLEAR_SCREEN_SHOWN}`);
  });

  it('--json: the same text, escaped as JSON escapes it, and read back whole', async () => {
    const { escapes } = jids;
    const info = JSON.parse((await nimbus('info', String(jids.printer), '--json')).stdout);
    expect(info).toMatchObject({ label: `label ${escapes}`, stdout: `out ${escapes}\tend\n`, stderr: `err ${escapes}\n` });
    expect(JSON.parse((await nimbus('result', String(jids.object), '--json')).stdout)).toEqual({ [`key ${escapes}`]: `item ${escapes}`, list: [escapes] });
    const failed = JSON.parse((await nimbus('result', String(jids.failing), '--json')).stdout);
    expect(failed.error).toMatchObject({ name: `Name${escapes}`, message: `message ${escapes}` });
    const jobs = JSON.parse((await nimbus('jobs', '--json')).stdout) as { label?: string }[];
    expect(jobs.map((job) => job.label)).toContain(`label ${escapes}`);
  });
});
