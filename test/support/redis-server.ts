/**
 * A real redis-server for a test file: started on 127.0.0.1 at a free port with no persistence,
 * stopped (and its process gone) when the file ends. Never a shared server.
 */
import { execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { once } from 'node:events';
import { spawnTied } from './tied-spawn.js';

export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>/0`. */
  readonly url: string;
  readonly process: ChildProcess;
  /** Stops the server and resolves once its process has exited. */
  stop(): Promise<void>;
}

/** A port nobody listens on now (the OS picks it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  await once(server, 'close');
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * The same, answered synchronously (a short child process asks the OS): for a describe body, which
 * must build its Cloud, and so know the server's URL, before the server can start in beforeAll.
 */
export function freePortSync(): number {
  const script = "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { process.stdout.write(String(s.address().port)); s.close(); })";
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 }));
}

/** Starts redis-server (at `port`, else a free one) and resolves when it accepts connections. */
export async function startRedisServer(port?: number): Promise<RedisServer> {
  port ??= await freePort();
  const child = spawnTied('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'notice']);
  child.stderr.resume();
  let log = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (text: string) => {
      log += text;
      if (log.includes('Ready to accept connections')) resolve();
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`redis-server exited with ${code} before it was ready:\n${log}`)));
  });
  await ready;
  return {
    port,
    url: `redis://127.0.0.1:${port}/0`,
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
