/**
 * The allowed status changes, as data. A complete status (done, error, killed, stalled) has no
 * way out: that is what makes "complete statuses never change" hold everywhere.
 */
import { Code, STATUS_OF_CODE } from './job-table.js';

const ALLOWED: Readonly<Record<Code, readonly Code[]>> = {
  [Code.None]: [Code.Queued, Code.Waiting, Code.Stalled],
  // Straight to Processing: a follower whose worker holds it already (followers.ts).
  [Code.Waiting]: [Code.Queued, Code.Processing, Code.Stalled, Code.Killed],
  [Code.Queued]: [Code.Processing, Code.Killed],
  // Back to Queued when a batch is cut short and the job must run again.
  [Code.Processing]: [Code.Done, Code.Error, Code.Killed, Code.Queued],
  [Code.Done]: [],
  [Code.Error]: [],
  [Code.Killed]: [],
  [Code.Stalled]: [],
};

/**
 * The same table as bits, read on every move of every job: bit `to` of ALLOWED_TO[from] is set
 * when the move is allowed (a lookup, where `includes` on the table walked a list).
 */
const ALLOWED_TO = new Uint8Array(Object.keys(ALLOWED).length);
for (const from of Object.values(Code)) ALLOWED_TO[from] = ALLOWED[from].reduce<number>((bits, to) => bits | (1 << to), 0);

export function canMove(from: Code, to: Code): boolean {
  return (ALLOWED_TO[from]! & (1 << to)) !== 0;
}

/** Moves a status, or throws: an illegal move is a bug in nimbus, never a user's error. */
export function move(status: Uint8Array, jid: number, to: Code): void {
  const from = status[jid] as Code;
  if ((ALLOWED_TO[from]! & (1 << to)) === 0) {
    throw new Error(`nimbus internal error: job ${jid} cannot go from ${STATUS_OF_CODE[from]} to ${STATUS_OF_CODE[to]}`);
  }
  status[jid] = to;
}
