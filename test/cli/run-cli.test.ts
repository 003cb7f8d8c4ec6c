/**
 * The nimbus command line, run in this process on a cloud the test holds: what each command
 * prints, as text and as JSON, and its exit code (0 ok, 1 a job failed, 2 usage, 3 timed out).
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cloud, type Jid } from '@nimbus-js/nimbus';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CloudFiles, createFileStore } from '../../dist/files/index.js';
import { hang } from '../support/clouds.js';
import { nimbusIn } from './support/nimbus.js';

describe('nimbus commands on a cloud', () => {
  const cloud = new Cloud({ cores: 2, isolation: 'thread' });
  let greeting: Jid;
  let sum: Jid;
  let failing: Jid;
  beforeAll(async () => {
    greeting = await cloud.with({ label: 'greet' }).call(function greet(name: string) {
      console.log(`hello ${name}`);
      return `hello ${name}`;
    }, 'world');
    sum = await cloud.call((a: number, b: number) => ({ sum: a + b, parts: [a, b] }), 2, 3);
    failing = await cloud.with({ label: 'fails' }).call(function explode() {
      throw new RangeError('the input was out of range');
    });
    await cloud.join([greeting, sum, failing], { ignoreErrors: true });
  });
  afterEach(() => cloud.kill());
  afterAll(() => cloud.close());

  describe('status', () => {
    it('prints each status, one line a job, ranges included', async () => {
      const ran = await nimbusIn(cloud, ['status', String(greeting), `${sum}-${failing}`]);
      expect(ran).toEqual({ code: 0, stderr: '', stdout: `${greeting}  done\n${sum}  done\n${failing}  error\n` });
    });

    it('prints JSON with --json', async () => {
      const ran = await nimbusIn(cloud, ['status', String(failing), '--json']);
      expect(JSON.parse(ran.stdout)).toEqual([{ jid: failing, status: 'error' }]);
    });

    it('exits 1 with --check when a job failed, 0 when none did', async () => {
      expect((await nimbusIn(cloud, ['status', '--check', String(greeting), String(failing)])).code).toBe(1);
      expect((await nimbusIn(cloud, ['status', '--check', String(greeting), String(sum)])).code).toBe(0);
      expect((await nimbusIn(cloud, ['status', String(failing)])).code).toBe(0);
    });
  });

  describe('result', () => {
    it('prints a string as it is, and any other value as Node shows it', async () => {
      expect(await nimbusIn(cloud, ['result', String(greeting)])).toEqual({ code: 0, stdout: 'hello world\n', stderr: '' });
      expect((await nimbusIn(cloud, ['result', String(sum)])).stdout).toBe('{ sum: 5, parts: [ 2, 3 ] }\n');
      expect(JSON.parse((await nimbusIn(cloud, ['result', String(sum), '--json'])).stdout)).toEqual({ sum: 5, parts: [2, 3] });
    });

    it("of a failed job: exits 1 and prints the job's error and stack on stderr", async () => {
      const ran = await nimbusIn(cloud, ['result', String(failing)]);
      expect(ran.code).toBe(1);
      expect(ran.stdout).toBe('');
      expect(ran.stderr).toContain(`Job ${failing}: the input was out of range\n  RangeError: the input was out of range\n      at explode`);
    });

    it('of a failed job with --json: { jid, status, error } on stdout, exit 1', async () => {
      const ran = await nimbusIn(cloud, ['result', String(failing), '--json']);
      expect(ran.code).toBe(1);
      expect(JSON.parse(ran.stdout)).toMatchObject({
        jid: failing,
        status: 'error',
        error: { name: 'RangeError', message: 'the input was out of range' },
      });
    });

    it('exits 3 when --timeout passes first, and the job goes on', async () => {
      const running = await cloud.call(hang);
      const ran = await nimbusIn(cloud, ['result', String(running), '--timeout', '50']);
      expect(ran).toEqual({ code: 3, stdout: '', stderr: 'nimbus: timed out after 50 ms; the jobs go on\n' });
      expect(await cloud.status(running)).toBe('processing');
    });

    it('takes one jid', async () => {
      const ran = await nimbusIn(cloud, ['result', `${greeting}-${sum}`]);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toBe('nimbus: result takes one jid, got 2\n');
    });
  });

  describe('info', () => {
    it("prints the job's record, its output and its exception's stack", async () => {
      const done = await nimbusIn(cloud, ['info', String(greeting)]);
      expect(done.code).toBe(0);
      expect(done.stdout).toMatch(new RegExp(`^jid: +${greeting}\nstatus: +done\nfn: +greet\nlabel: +greet\ntype: +c1, 1 core, priority 5\n`));
      expect(done.stdout).toContain('stdout:\n  hello world\n');
      const failed = await nimbusIn(cloud, ['info', String(failing)]);
      expect(failed.code).toBe(0);
      expect(failed.stdout).toContain('exception:\n  RangeError: the input was out of range\n      at explode');
    });

    it('prints the whole record as JSON with --json', async () => {
      const info = JSON.parse((await nimbusIn(cloud, ['info', String(failing), '--json'])).stdout);
      expect(info).toMatchObject({ jid: failing, status: 'error', fn: 'explode', label: 'fails', exception: { name: 'RangeError' } });
    });
  });

  describe('kill', () => {
    it('kills unfinished jobs, leaves complete ones, and prints every status', async () => {
      const running = await cloud.call(hang);
      const ran = await nimbusIn(cloud, ['kill', String(running), String(greeting)]);
      expect(ran).toEqual({ code: 0, stderr: '', stdout: `${running}  killed\n${greeting}  done\n` });
    });
  });

  describe('jobs', () => {
    it('lists jobs newest first as a table', async () => {
      const ran = await nimbusIn(cloud, ['jobs', '--label', 'greet']);
      const [header, row, ...rest] = ran.stdout.trimEnd().split('\n');
      expect(header).toMatch(/^JID +STATUS +FN +LABEL +TYPE +CREATED +RUNTIME$/);
      expect(row).toMatch(new RegExp(`^ *${greeting} +done +greet +greet +c1 +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +\\d+ ms$`));
      expect(rest).toEqual([]);
    });

    it('filters by status (repeated or comma-separated) and limits', async () => {
      const jids = async (...args: string[]) =>
        (JSON.parse((await nimbusIn(cloud, ['jobs', '--json', ...args])).stdout) as { jid: number }[]).map((job) => job.jid);
      expect(await jids('--status', 'error')).toEqual([failing]);
      expect(await jids('--status', 'error,done', '--limit', '2')).toEqual([failing, sum]);
      expect(await jids('--status', 'error', '--status', 'done', '--label', 'greet')).toEqual([greeting]);
    });

    it('says so on stderr when no job matches', async () => {
      expect(await nimbusIn(cloud, ['jobs', '--label', 'nothing'])).toEqual({ code: 0, stdout: '', stderr: 'no jobs\n' });
    });
  });

  describe('usage errors exit 2 with the usage', () => {
    it.each([
      [['frobnicate'], "nimbus: unknown command 'frobnicate'\n'nimbus --help' lists the commands.\n"],
      [['help', 'frobnicate'], "nimbus: unknown command 'frobnicate'\n'nimbus --help' lists the commands.\n"],
      [['status'], 'nimbus: status takes 1 or more operands (<jid...>), got 0\nusage: nimbus status <jid...> [options]'],
      [['status', 'abc'], "nimbus: 'abc' is not a jid (a positive integer) or a range of jids (such as 10-20)"],
      [['status', '9-3'], "nimbus: bad range of jids '9-3'"],
      [['jobs', '--frob'], "nimbus: Unknown option '--frob'"],
      [['jobs', '--status', 'finished'], "nimbus: --status must be one of queued, processing, waiting, done, error, killed, stalled, got 'finished'"],
      [['jobs', '--limit', 'ten'], "nimbus: --limit must be a whole number of 1 or more, got 'ten'"],
      [['info', '1', '2'], 'nimbus: info takes 1 operand (<jid>), got 2'],
      [['files', 'put', 'a', 'b', 'c'], 'nimbus: files put takes 1 to 2 operands (<path> [name]), got 3'],
      [['files'], 'nimbus: files needs a command\nusage: nimbus files <command>'],
      [['files', 'cp'], "nimbus: unknown command 'files cp'"],
      [['status', '424242'], 'nimbus: unknown jid 424242: no such job'],
      [['dashboard', '--host', '0.0.0.0'], 'nimbus: the dashboard listens on 0.0.0.0, beyond this machine: give it a token'],
      [['dashboard', '--port', '70000'], 'nimbus: dashboard port must be an integer from 0 to 65535, got 70000'],
    ])('nimbus %j', async (argv, message) => {
      const ran = await nimbusIn(cloud, argv);
      expect(ran.code).toBe(2);
      expect(ran.stdout).toBe('');
      expect(ran.stderr.startsWith(message)).toBe(true);
    });
  });

  describe('help', () => {
    it('lists every command and the exit codes', async () => {
      const ran = await nimbusIn(undefined, ['--help']);
      expect(ran.code).toBe(0);
      for (const command of [
        'status <jid...>',
        'result <jid>',
        'info <jid>',
        'kill <jid...>',
        'jobs',
        'files ls [prefix]',
        'files put <path> [name]',
        'files get <name> [path]',
        'files rm <name...>',
        'files md5 <name...>',
        'dashboard',
      ]) {
        expect(ran.stdout).toContain(`\n  ${command} `);
      }
      expect(ran.stdout).toContain('exit codes:\n  0  done as asked\n  1  a job failed');
    });

    it("tells one command's usage and options, with <command> --help or help <command>", async () => {
      const flag = await nimbusIn(undefined, ['jobs', '--help']);
      expect(flag.code).toBe(0);
      expect(flag.stdout).toMatch(/^usage: nimbus jobs \[options\]\n\nLists the newest jobs/);
      expect(flag.stdout).toMatch(/\n {2}--status <status> +only jobs with this status/);
      expect(flag.stdout).toMatch(/\n {2}--home <dir> +the job store to read/);
      expect((await nimbusIn(undefined, ['help', 'jobs'])).stdout).toBe(flag.stdout);
      expect((await nimbusIn(undefined, ['files', '--help'])).stdout).toContain('usage: nimbus files <command> [options]');
      expect((await nimbusIn(undefined, ['files', 'put', '--help'])).stdout).toContain('usage: nimbus files put <path> [name] [options]');
    });

    it('without a command: the list of commands on stderr, exit 2', async () => {
      const ran = await nimbusIn(undefined, []);
      expect(ran.code).toBe(2);
      expect(ran.stderr).toMatch(/^nimbus: no command given\nnimbus: the jobs and files of a nimbus home/);
    });
  });
});

describe('nimbus files on a file store', () => {
  let dir: string;
  let files: CloudFiles;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'nimbus-cli-files-'));
    files = new CloudFiles(createFileStore({ dir: join(dir, 'store') }));
  });
  // The files commands use nothing of the cloud but its files.
  const nimbus = (...argv: string[]) => nimbusIn({ files } as never, argv);

  it('puts, lists, tells the MD5 of, gets and removes files', async () => {
    const local = join(dir, 'names.txt');
    await writeFile(local, 'ada\ngrace\n');
    expect(await nimbus('files', 'put', local)).toEqual({ code: 0, stdout: '', stderr: '' });
    expect(await nimbus('files', 'put', local, 'data/names.txt')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await nimbus('files', 'ls')).stdout).toBe('data/names.txt\nnames.txt\n');
    expect(JSON.parse((await nimbus('files', 'ls', 'data/', '--json')).stdout)).toEqual(['data/names.txt']);
    const md5 = createHash('md5').update('ada\ngrace\n').digest('hex');
    expect((await nimbus('files', 'md5', 'names.txt', 'data/names.txt')).stdout).toBe(`${md5}  names.txt\n${md5}  data/names.txt\n`);
    const copy = join(dir, 'copy.txt');
    expect((await nimbus('files', 'get', 'data/names.txt', copy)).code).toBe(0);
    expect(await readFile(copy, 'utf8')).toBe('ada\ngrace\n');
    expect(await nimbus('files', 'rm', 'names.txt', 'data/names.txt')).toEqual({ code: 0, stdout: '', stderr: '' });
    expect((await nimbus('files', 'ls')).stdout).toBe('');
  });

  it('a failure underneath (ERR_LOCAL_FILE: a local path through a file) exits 4', async () => {
    await files.putf('text', 'kept.txt');
    const blocker = join(dir, 'a-file');
    await writeFile(blocker, 'not a folder');
    const ran = await nimbus('files', 'get', 'kept.txt', join(blocker, 'copy.txt'));
    expect(ran.code).toBe(4);
    expect(ran.stderr).toMatch(/^nimbus: cloud\.files\.get: local file /);
  });

  it('a name not stored exits 2 and says so', async () => {
    expect(await nimbus('files', 'rm', 'nothing.txt')).toEqual({ code: 2, stdout: '', stderr: "nimbus: no file named 'nothing.txt'\n" });
    const md5 = await nimbus('files', 'md5', 'nothing.txt');
    expect(md5.code).toBe(2);
    expect(md5.stderr).toContain('no file named "nothing.txt"');
  });
});

describe('nimbus result of jobs the runtime ended', () => {
  const runtime = new Cloud({ cores: 1, isolation: 'thread' });
  afterAll(() => runtime.close());

  it("tells with --json how the job ended (code) and why (its error's code), exit 1", async () => {
    const killed = await runtime.call(hang);
    await runtime.kill(killed);
    const ranKilled = await nimbusIn(runtime, ['result', String(killed), '--json']);
    expect(ranKilled.code).toBe(1);
    expect(JSON.parse(ranKilled.stdout)).toEqual({ jid: killed, status: 'killed', code: 'ERR_JOB_KILLED', error: null });
    const stopped = await runtime.with({ maxRuntime: 20 }).call(hang);
    const ranStopped = await nimbusIn(runtime, ['result', String(stopped), '--json']);
    expect(ranStopped.code).toBe(1);
    expect(JSON.parse(ranStopped.stdout)).toMatchObject({
      status: 'error',
      code: 'ERR_JOB_FAILED',
      error: { name: 'MaxRuntimeExceeded', code: 'ERR_MAX_RUNTIME' },
    });
  });
});
