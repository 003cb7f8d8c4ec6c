/**
 * What the Redis scenarios run on: their own redis-server (127.0.0.1, a free port, no persistence)
 * and `nimbus worker` processes started as an operator starts them, each awaited until it says it
 * is ready. Whoever starts one must await its stop().
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const MAIN = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));
const READY_LINE = /^nimbus worker \S+ ready\b/m;
const READY_TIMEOUT_MS = 30_000;
/** A worker that does not stop this long after SIGTERM is killed. */
const STOP_GRACE_MS = 10_000;

/** A redis-server of the bench's own, resolved once it accepts connections. */
export async function startRedisServer() {
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await untilPrinted(child, /Ready to accept connections/, 'redis-server');
  return { url: `redis://127.0.0.1:${port}/0`, port, stop: () => stopProcess(child, 'SIGKILL') };
}

/**
 * `count` nimbus workers for `queue` on `url`, started one after another (two cold starts at once
 * on a 2-core machine only slow each other), each with `args` (e.g. ['--cores', '1']).
 */
export async function startNimbusWorkers(url, queue, count, args = []) {
  const children = [];
  try {
    for (let i = 0; i < count; i++) {
      // stderr kept for a failure's message only: a worker says there that it is stopping.
      const child = spawn(process.execPath, [MAIN, 'worker', '--redis', url, '--queue', queue, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      children.push(child);
      await untilPrinted(child, READY_LINE, 'nimbus worker');
    }
  } catch (error) {
    await Promise.all(children.map((child) => stopProcess(child, 'SIGKILL')));
    throw error;
  }
  return { pids: children.map((child) => child.pid), stop: () => Promise.all(children.map((child) => stopProcess(child, 'SIGTERM'))) };
}

async function freePort() {
  const server = createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

function untilPrinted(child, pattern, what) {
  let text = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk) => (text += chunk));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start within ${READY_TIMEOUT_MS} ms:\n${text}`)), READY_TIMEOUT_MS);
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      text += chunk;
      if (pattern.test(text)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${signal ?? code}) before it was ready:\n${text}`));
    });
    child.once('error', reject);
  });
}

/** Signals the process and resolves once it has exited (SIGKILL after a grace period). */
async function stopProcess(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
  await exited;
  clearTimeout(timer);
}
