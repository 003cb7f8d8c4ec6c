/**
 * Paths this process made that must not outlive it (the data files of runtime/process/data-files.ts, in
 * /dev/shm, which holds them in memory until removed): removed on 'exit', and on SIGINT, SIGTERM
 * and SIGHUP, which end a process without an 'exit' event. The signal listeners are installed only
 * while some path is registered, and a signal that nothing else listens to is raised again once
 * the paths are gone: the process ends as it would have without us. A SIGKILL leaves the paths
 * behind; whoever registers next removes those of processes that are gone (`sweepOrphans`).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

const paths = new Set<string>();
let installed = false;

/** Removes `path` (a file or a directory, recursively) when the process ends, unless released first. */
export function removeAtExit(path: string): void {
  paths.add(path);
  if (!installed) install();
}

/** `path` is gone already (or is someone else's to remove): the exit no longer removes it. */
export function keepAtExit(path: string): void {
  paths.delete(path);
  if (paths.size === 0 && installed) uninstall();
}

/**
 * Removes the entries of `dir` named `${prefix}<pid>-...` whose process is gone: what a process
 * ended by SIGKILL left. Best effort: an entry that cannot be read or removed is left.
 */
export function sweepOrphans(dir: string, prefix: string): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number.parseInt(name.slice(prefix.length), 10);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !isAlive(pid)) removeQuietly(join(dir, name));
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, someone else's.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function removeAll(): void {
  for (const path of paths) removeQuietly(path);
  paths.clear();
}

function removeQuietly(path: string): void {
  try {
    rmSync(path, { recursive: true, force: true });
  } catch {
    // Nothing more can be done at exit.
  }
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  const othersListen = process.listenerCount(signal) > 1;
  uninstall();
  // Alone, we stood in for the default action (ending the process): let it happen now.
  if (!othersListen) process.kill(process.pid, signal);
}

function install(): void {
  installed = true;
  process.on('exit', removeAll);
  for (const signal of SIGNALS) process.on(signal, onSignal);
}

function uninstall(): void {
  installed = false;
  process.off('exit', removeAll);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}
