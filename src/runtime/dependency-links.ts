/**
 * The edges between a job and the jobs it depends on, in the table: a new job is linked to its
 * unfinished dependencies (and counts them), and a completed job frees or stalls its dependents.
 * The scheduler decides what follows (queue the ready, complete the stalled); this only keeps the
 * edges and the counts true.
 */
import { Code, Flag, isCompleteCode, type JobTable } from './job-table.js';
import { move } from './transitions.js';

/** What a job just linked must do: start now, wait for its dependencies, or stall (one failed already). */
export type LinkOutcome = 'ready' | 'waiting' | 'stalled';

export function linkDependencies(t: JobTable, jid: number, dependsOn: readonly number[]): LinkOutcome {
  let pending = 0;
  let failed = false;
  const ignoreErrors = (t.flags[jid]! & Flag.IgnoreDependencyErrors) !== 0;
  for (const dependency of dependsOn) {
    const code = t.status[dependency]!;
    if (!isCompleteCode(code)) {
      pending++;
      (t.dependents[dependency] ??= []).push(jid);
    } else if (code !== Code.Done && !ignoreErrors) {
      failed = true;
    }
  }
  if (dependsOn.length > 0) t.dependsOn[jid] = dependsOn.slice();
  t.pendingDependencies[jid] = pending;
  return failed ? 'stalled' : pending > 0 ? 'waiting' : 'ready';
}

/**
 * The dependents of a job that completed with `code`: each whose last dependency this was is
 * handed to `ready`; each a failure stalls is moved to stalled and pushed on `stalled`.
 */
export function freeDependents(t: JobTable, jid: number, code: Code, ready: (jid: number) => void, stalled: number[]): void {
  const dependents = t.dependents[jid];
  if (!dependents) return;
  t.dependents[jid] = undefined;
  for (const dependent of dependents) {
    if (t.status[dependent] !== Code.Waiting) continue;
    if (code === Code.Done || (t.flags[dependent]! & Flag.IgnoreDependencyErrors) !== 0) {
      if (--t.pendingDependencies[dependent]! === 0) ready(dependent);
    } else {
      move(t.status, dependent, Code.Stalled);
      stalled.push(dependent);
    }
  }
}
