import net from 'node:net';
import { CloudError } from '@nimbus-js/nimbus';
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, makeCloud } from '../support/clouds.js';

const outside = 10;

describe.each(MODES)('bad input gets a specific CloudError (%s)', (mode) => {
  const cloud = makeCloud(mode);
  afterAll(() => cloud.close());

  const refusal = async (attempt: Promise<unknown>): Promise<CloudError> => {
    const error = await attempt.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(CloudError);
    return error as CloudError;
  };

  it('a non-function', async () => {
    const error = await refusal(cloud.call(42 as unknown as () => number));
    expect(error.message).toBe('call and map need a function, got 42');
  });

  it('a function that uses a variable from outside itself that cannot ship, named', async () => {
    const connection = new net.Socket();
    const error = await refusal(cloud.call((x: number) => x + outside + (connection.remotePort ?? 0), 1));
    expect(error.message).toMatch(/^cannot ship function \(anonymous\): 'connection' is a Socket, an object of a class/);
    connection.destroy();
  });

  it('a function as an argument, named by its position', async () => {
    const error = await refusal(
      cloud.call(
        (f: unknown) => f,
        () => 1,
      ),
    );
    expect(error.message).toMatch(/^an argument of call cannot be sent to a job: args\[0\] is a function/);
  });

  it('a socket inside an argument, named by its path', async () => {
    const socket = new net.Socket();
    const error = await refusal(cloud.call((o: unknown) => o, { connection: socket }));
    expect(error.message).toBe(
      'an argument of call cannot be sent to a job: args[0].connection is a Socket (an object of a class that holds functions or a native handle cannot be sent; pass the data it holds)',
    );
    socket.destroy();
  });

  it('a map item that cannot be sent, named by its index', async () => {
    const error = await refusal(cloud.map((x: unknown) => x, [1, Symbol('s')]));
    expect(error.message).toMatch(/^map item 1 cannot be sent to a job: args\[0\] is Symbol\(s\)/);
  });

  it('a map argument that is not iterable', async () => {
    const error = await refusal(cloud.map((x: number) => x, 5 as never));
    expect(error.message).toBe('map argument 1 must be iterable (an array, a Set, a generator...), got 5');
  });

  it('an unknown jid', async () => {
    const error = await refusal(cloud.status(123_456_789));
    expect(error.message).toBe('unknown jid 123456789: no such job (never created, or deleted)');
  });

  it.each([['abc'], [-1], [1.5], [0], [null]])('a jid of the wrong type: %s', async (bad) => {
    const error = await refusal(cloud.result(bad as never));
    expect(error.message).toMatch(/^result jid must be a jid \(a positive integer\), got /);
  });

  it('a jid of the wrong type inside a list is named by its index', async () => {
    const jid = await cloud.call(() => 1);
    const error = await refusal(cloud.status([jid, 'x' as never]));
    expect(error.message).toBe('status jid[1] must be a jid (a positive integer), got "x"');
  });

  it('a bad option value names the option, the value and what is allowed', () => {
    expect(() => cloud.with({ maxRuntime: -5 })).toThrow('maxRuntime must be a positive number of milliseconds, got -5');
    expect(() => cloud.with({ type: 'x9' as never })).toThrow("type must be one of 'c1', 'c2', 'f2', 'm1', 's1', got \"x9\"");
    expect(() => cloud.with({ priority: Number.NaN })).toThrow('priority must be a finite number, got NaN');
    expect(() => cloud.with({ cores: 0 })).toThrow('cores must be a positive integer, got 0');
    expect(() => cloud.with({ restartable: 'yes' as never })).toThrow('restartable must be true or false, got "yes"');
    expect(() => cloud.with({ dependsOn: ['a'] as never })).toThrow('dependsOn[0] must be a jid (a positive integer), got "a"');
  });

  it('an unknown option is named, with the known ones', () => {
    expect(() => cloud.with({ _type: 'c2' } as never)).toThrow("cloud.with options has no option '_type'; known options: type, cores,");
  });

  it('bad wait options', async () => {
    const jid = await cloud.call(() => 1);
    const error = await refusal(cloud.result(jid, { timeout: -1 }));
    expect(error.message).toBe('timeout must be a number of milliseconds (0 or more), got -1');
  });

  it('a job that could never fit is refused at call time', async () => {
    const error = await refusal(cloud.with({ cores: 64, type: 'c2' }).call(() => 1));
    expect(error.message).toBe('a job of type c2 with these cores needs 160 compute units, but this runtime has 5; it could never start');
  });

  it('a result that cannot be sent back ends the job error, saying why', async () => {
    const jid = await cloud.call(() => ({ callback: () => 1 }));
    const error = (await cloud.result(jid).catch((e: unknown) => e)) as CloudError;
    expect(error.message).toBe(
      `Job ${jid}: the job's return value cannot be sent back: result.callback is a function callback (functions cannot be sent as values; pass data, or call a function inside the job)`,
    );
  });

  it('a bad config', () => {
    expect(() => makeCloud(mode, { cores: -2 })).toThrow('cores must be a positive integer, got -2');
    expect(() => makeCloud(mode, { workers: 3 } as never)).toThrow("Cloud config has no option 'workers'");
  });
});
