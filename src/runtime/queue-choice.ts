/**
 * Which type's queue goes next: the one whose next job comes first across types, by the order
 * each queue keeps within itself (ready-queue.ts): lower priority number, then deeper (started by
 * a deeper job), then older (lower jid).
 */
import type { JobTable } from './job-table.js';
import type { ReadyQueue } from './ready-queue.js';

/**
 * The queue (index = type index) whose next job comes first, among those `eligible` accepts
 * (given the type index and that next job); undefined when none has an eligible next job.
 */
export function firstQueue(t: JobTable, queues: readonly ReadyQueue[], eligible: (typeIndex: number, jid: number) => boolean): ReadyQueue | undefined {
  let best: ReadyQueue | undefined;
  let bestJid = 0;
  for (let typeIndex = 0; typeIndex < queues.length; typeIndex++) {
    const queue = queues[typeIndex]!;
    const jid = queue.peek();
    if (jid === undefined || !eligible(typeIndex, jid)) continue;
    if (!best || comesBefore(t, jid, bestJid)) {
      best = queue;
      bestJid = jid;
    }
  }
  return best;
}

function comesBefore(t: JobTable, jid: number, other: number): boolean {
  const byPriority = t.priority[jid]! - t.priority[other]!;
  if (byPriority !== 0) return byPriority < 0;
  const byDepth = t.depth[other]! - t.depth[jid]!;
  return byDepth !== 0 ? byDepth < 0 : jid < other;
}
