/**
 * The nimbus command as a user runs it: a child process (node dist/cli/main.js) reading the home
 * that another process's jobs were written to, exit codes checked.
 */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { nimbusSpawned } from './support/nimbus.js';

const run = promisify(execFile);
const fixture = (path: string) => fileURLToPath(new URL(`../fixtures/${path}`, import.meta.url));
const MAIN = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));

describe('the nimbus command, spawned', () => {
  let cwd: string;
  let home: string;
  let jids: { greeting: number; sum: number; failing: number };
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'nimbus-cli-'));
    home = join(cwd, '.nimbus');
    const { stdout } = await run(process.execPath, [fixture('cli/run-jobs.mjs'), home], { timeout: 30_000 });
    jids = JSON.parse(stdout);
  });
  const nimbus = (...args: string[]) => nimbusSpawned(args, { cwd });

  it("reads another process's jobs from the home (.nimbus here, NIMBUS_HOME, or --home)", async () => {
    const expected = `${jids.greeting}  done\n${jids.sum}  done\n${jids.failing}  error\n`;
    expect(await nimbus('status', `${jids.greeting}-${jids.failing}`)).toEqual({ code: 0, stdout: expected, stderr: '' });
    const elsewhere = tmpdir();
    expect((await nimbusSpawned(['status', `${jids.greeting}-${jids.failing}`], { cwd: elsewhere, env: { NIMBUS_HOME: home } })).stdout).toBe(expected);
    expect((await nimbusSpawned(['status', `${jids.greeting}-${jids.failing}`, '--home', home], { cwd: elsewhere })).stdout).toBe(expected);
  });

  it('result: the value and exit 0, or the error and stack and exit 1', async () => {
    expect(await nimbus('result', String(jids.greeting))).toEqual({ code: 0, stdout: 'hello world\n', stderr: '' });
    expect(JSON.parse((await nimbus('result', String(jids.sum), '--json')).stdout)).toEqual({ sum: 5, parts: [2, 3] });
    const failed = await nimbus('result', String(jids.failing));
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain(`Job ${jids.failing}: the input was out of range\n  RangeError: the input was out of range\n      at explode`);
  });

  it('status --check exits 1 for a failed job', async () => {
    expect((await nimbus('status', '--check', String(jids.failing))).code).toBe(1);
    expect((await nimbus('status', '--check', String(jids.greeting))).code).toBe(0);
  });

  it('info and jobs show the record, the output and the exception', async () => {
    const info = await nimbus('info', String(jids.greeting));
    expect(info.code).toBe(0);
    expect(info.stdout).toMatch(/\nfn: +greet\nlabel: +greet\n/);
    expect(info.stdout).toContain('stdout:\n  hello world\n');
    const failed = JSON.parse((await nimbus('info', String(jids.failing), '--json')).stdout);
    expect(failed).toMatchObject({ status: 'error', fn: 'explode', exception: { name: 'RangeError', message: 'the input was out of range' } });
    const jobs = await nimbus('jobs', '--status', 'error');
    expect(jobs.code).toBe(0);
    expect(jobs.stdout.trimEnd().split('\n').slice(1)).toEqual([expect.stringMatching(new RegExp(`^ *${jids.failing} +error +explode +fails +c1 `))]);
  });

  it("kills a job another process is running, and that process's wait ends", async () => {
    const holder = spawn(process.execPath, [fixture('store/hold-job.mjs'), home]);
    try {
      const lines = createInterface({ input: holder.stdout })[Symbol.asyncIterator]();
      const { jid } = JSON.parse((await lines.next()).value as string) as { jid: number };
      expect(await nimbus('kill', String(jid))).toEqual({ code: 0, stdout: `${jid}  killed\n`, stderr: '' });
      expect(JSON.parse((await lines.next()).value as string)).toEqual({ ended: `CloudException: Job ${jid}: killed` });
    } finally {
      holder.kill();
    }
  });

  it('exits 2 on a usage error, and when there is no home', async () => {
    expect((await nimbus('bogus')).code).toBe(2);
    expect((await nimbus('status', 'x')).code).toBe(2);
    const nowhere = await nimbusSpawned(['jobs'], { cwd: tmpdir() });
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toBe(`nimbus: no nimbus home at ${join(tmpdir(), '.nimbus')}: run nimbus where the home is, or give --home or NIMBUS_HOME\n`);
    expect((await nimbusSpawned(['--help'], { cwd: tmpdir() })).code).toBe(0);
  });

  it('a .nimbus that holds only the files a Cloud stored is not taken for a home, and nothing is made in it', async () => {
    const app = mkdtempSync(join(tmpdir(), 'nimbus-app-'));
    try {
      mkdirSync(join(app, '.nimbus', 'files'), { recursive: true });
      for (const command of [['jobs'], ['status', '1'], ['info', '1'], ['result', '1'], ['kill', '1']]) {
        const answer = await nimbusSpawned(command, { cwd: app });
        expect(answer.code).toBe(2);
        expect(answer.stderr).toContain(`no jobs at ${join(app, '.nimbus')}: it holds no job store (jobs.sqlite)`);
      }
      expect(readdirSync(join(app, '.nimbus'))).toEqual(['files']);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it('dashboard: serves until SIGTERM, then exits 0', async () => {
    const child = spawn(process.execPath, [MAIN, 'dashboard', '--port', '0'], { cwd });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
      const url = (await lines.next()).value as string;
      expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const page = (await (await fetch(new URL('/api/jobs', url))).json()) as { jobs: { jid: number }[] };
      expect(page.jobs.map((job) => job.jid)).toContain(jids.failing);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('files: put, ls, md5, get, rm in the home', async () => {
    const local = join(cwd, 'names.txt');
    await writeFile(local, 'ada\n');
    expect((await nimbus('files', 'put', local)).code).toBe(0);
    expect((await nimbus('files', 'ls')).stdout).toBe('names.txt\n');
    expect((await nimbus('files', 'rm', 'names.txt')).code).toBe(0);
  });
});
