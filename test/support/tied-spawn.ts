/**
 * Spawning a server or worker that dies with the test process: when a test run is killed (a
 * timeout, Ctrl-C, a crashed vitest worker), its afterAll never runs, and a redis-server or a
 * `nimbus worker` it started would live on. Linux's parent-death signal, set by util-linux's
 * setpriv before it execs the command (same pid), ends them instead. Where setpriv is missing, a
 * plain spawn: afterAll still stops what it started.
 */
import { spawn, type ChildProcessByStdio, type SpawnOptions } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable } from 'node:stream';

const SETPRIV = '/usr/bin/setpriv';
const tie = existsSync(SETPRIV);

/** `command` with its stdout and stderr piped (and read by the caller: a full pipe blocks it). */
export function spawnTied(command: string, args: readonly string[], options: Omit<SpawnOptions, 'stdio'> = {}): ChildProcessByStdio<null, Readable, Readable> {
  const piped = { ...options, stdio: ['ignore', 'pipe', 'pipe'] as ['ignore', 'pipe', 'pipe'] };
  return tie ? spawn(SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args], piped) : spawn(command, args, piped);
}
