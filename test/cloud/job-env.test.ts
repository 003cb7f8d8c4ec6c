import { CloudError } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, makeCloud } from '../support/clouds.js';

const readGreeting = (): string | undefined => process.env.NIMBUS_TEST_GREETING;

describe.each(MODES)('per-job env (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  it('process.env holds the job’s variables over the worker’s, inside that job only', async () => {
    const own = await cloud.with({ env: { NIMBUS_TEST_GREETING: 'hello' } }).call(() => [process.env.NIMBUS_TEST_GREETING, typeof process.env.PATH]);
    expect(await cloud.result(own)).toEqual(['hello', 'string']);
    const plain = await cloud.call(readGreeting);
    expect(await cloud.result(plain)).toBeUndefined();
    expect(process.env.NIMBUS_TEST_GREETING).toBeUndefined();
  });

  it('what a job sets in process.env stays its own', async () => {
    const setter = await cloud.with({ env: { NIMBUS_TEST_GREETING: 'hi' } }).call(() => {
      process.env.NIMBUS_TEST_SET = 'set by a job';
      process.env.NIMBUS_TEST_NUMBER = 7 as unknown as string;
      delete process.env.NIMBUS_TEST_GREETING;
      return [
        process.env.NIMBUS_TEST_SET,
        process.env.NIMBUS_TEST_NUMBER,
        'NIMBUS_TEST_GREETING' in process.env,
        Object.keys(process.env).includes('NIMBUS_TEST_SET'),
      ];
    });
    expect(await cloud.result(setter)).toEqual(['set by a job', '7', false, true]);
    const after = await cloud.map((_: number) => [process.env.NIMBUS_TEST_SET, process.env.NIMBUS_TEST_GREETING], [1, 2, 3]);
    expect(await cloud.result(after)).toEqual([
      [undefined, undefined],
      [undefined, undefined],
      [undefined, undefined],
    ]);
    expect(process.env.NIMBUS_TEST_SET).toBeUndefined();
  });

  it('jobs that interleave in one thread each see their own', async () => {
    // s1 jobs run side by side in one worker; each reads its env before and after awaiting.
    const interleaved = async (): Promise<string[]> => {
      const before = process.env.NIMBUS_TEST_GREETING!;
      process.env.NIMBUS_TEST_MINE = before;
      await new Promise((resolve) => setTimeout(resolve, 200));
      return [before, process.env.NIMBUS_TEST_GREETING!, process.env.NIMBUS_TEST_MINE];
    };
    const jids = await Promise.all(['a', 'b', 'c'].map((name) => cloud.with({ type: 's1', env: { NIMBUS_TEST_GREETING: name } }).call(interleaved)));
    expect(await cloud.result(jids)).toEqual([
      ['a', 'a', 'a'],
      ['b', 'b', 'b'],
      ['c', 'c', 'c'],
    ]);
  });

  it('a process the job starts inherits the job’s env', async () => {
    const jid = await cloud.with({ env: { NIMBUS_TEST_GREETING: 'to a child' } }).call(() => {
      const { execFileSync } = process.getBuiltinModule('node:child_process');
      return execFileSync(process.execPath, ['-e', 'process.stdout.write(process.env.NIMBUS_TEST_GREETING)']).toString();
    });
    expect(await cloud.result(jid)).toBe('to a child');
  });

  // JSON.parse (a config file) makes `__proto__` an own key: it is a name as any other, never dropped.
  it('a variable named like an Object.prototype member (__proto__, constructor) is the job’s as given', async () => {
    const env = JSON.parse('{"__proto__": "p", "constructor": "c", "PATH": "/nowhere"}') as Record<string, string>;
    const jid = await cloud.with({ env }).call(() => [process.env['__proto__'], process.env['constructor'], process.env['PATH']]);
    expect(await cloud.result(jid)).toEqual(['p', 'c', '/nowhere']);
  });

  it('refuses a bad env with a CloudError', () => {
    const refused = (env: unknown): string => {
      try {
        cloud.with({ env } as never);
      } catch (e) {
        expect(e).toBeInstanceOf(CloudError);
        expect((e as CloudError).code).toBe('ERR_BAD_OPTION');
        return (e as CloudError).message;
      }
      throw new Error('not refused');
    };
    expect(refused({ PORT: 8080 })).toBe('env.PORT must be a string, got 8080');
    expect(refused(['A=1'])).toMatch(/^env must be a plain object of variable names to strings, got/);
    expect(refused(new Map())).toMatch(/^env must be a plain object of variable names to strings, got/);
    expect(refused({ 'A=B': 'x' })).toBe(`env key must be a variable name without '=' or NUL, got "A=B"`);
    expect(refused({ 'A\0': 'x' })).toMatch(/^env key must be a variable name without '=' or NUL/);
    expect(refused({ A: 'x\0y' })).toMatch(/^env.A must be a string without NUL/);
  });
});
