/**
 * Finds and ends the processes a job left: the descendants of a process, and the members of a
 * process group, read from /proc (Linux). A scan reads every /proc/<pid>/stat once (about a
 * millisecond for a hundred processes), so it runs only when a job is known to have spawned.
 * Elsewhere it finds nothing and ends nothing.
 */
import { readFileSync, readdirSync } from 'node:fs';

interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  readonly pgrp: number;
}

/** Every process the system lists now, with its parent and group. */
function listProcesses(): ProcessEntry[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const entries: ProcessEntry[] = [];
  for (const name of names) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (fields[0] === 'Z') continue;
      entries.push({ pid, ppid: Number(fields[1]), pgrp: Number(fields[2]) });
    } catch {
      // It ended while we read.
    }
  }
  return entries;
}

/**
 * The processes that descend from any of `roots` or belong to any of `groups` (a group holds a
 * job's orphaned grandchildren, reparented away but still in it), the roots themselves excluded.
 */
export function leftBehind(roots: readonly number[], groups: readonly number[]): number[] {
  const entries = listProcesses();
  const children = new Map<number, number[]>();
  for (const entry of entries) {
    const siblings = children.get(entry.ppid);
    if (siblings) siblings.push(entry.pid);
    else children.set(entry.ppid, [entry.pid]);
  }
  const found = new Set<number>();
  const pending = [...roots];
  for (let pid = pending.pop(); pid !== undefined; pid = pending.pop()) {
    for (const child of children.get(pid) ?? []) {
      if (!found.has(child)) {
        found.add(child);
        pending.push(child);
      }
    }
  }
  for (const entry of entries) if (groups.includes(entry.pgrp)) found.add(entry.pid);
  for (const root of roots) found.delete(root);
  return [...found];
}

/** SIGKILLs each process, and the group of each that leads one; gone ones are skipped. */
export function killAll(pids: readonly number[]): void {
  for (const pid of pids) {
    signal(-pid);
    signal(pid);
  }
}

/** SIGKILLs a process group; true when there was one. */
export function killGroup(pgid: number): boolean {
  return signal(-pgid);
}

function signal(target: number): boolean {
  try {
    process.kill(target, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}
