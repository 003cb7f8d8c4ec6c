import { describe, expect, it } from 'vitest';
import { Code, STATUS_OF_CODE } from '../../../src/runtime/job-table.js';
import { canMove, move } from '../../../src/runtime/transitions.js';

const CODES = Object.values(Code);
const COMPLETE = [Code.Done, Code.Error, Code.Killed, Code.Stalled];
const name = (code: Code) => STATUS_OF_CODE[code] ?? 'none';

/** Every allowed move, as "from -> to". */
const ALLOWED = new Set([
  'none -> queued',
  'none -> waiting',
  'none -> stalled',
  'waiting -> queued',
  'waiting -> processing',
  'waiting -> stalled',
  'waiting -> killed',
  'queued -> processing',
  'queued -> killed',
  'processing -> done',
  'processing -> error',
  'processing -> killed',
  'processing -> queued',
]);

describe('status transitions', () => {
  it.each(COMPLETE.map((code) => [name(code), code] as const))('has no way out of %s', (_, from) => {
    for (const to of CODES) expect(canMove(from, to)).toBe(false);
  });

  it('allows exactly the moves of the job lifecycle', () => {
    const allowed = CODES.flatMap((from) => CODES.filter((to) => canMove(from, to)).map((to) => `${name(from)} -> ${name(to)}`));
    expect(new Set(allowed)).toEqual(ALLOWED);
  });

  it('lets a dispatched job go back to the queue when its batch is cut short', () => {
    expect(canMove(Code.Processing, Code.Queued)).toBe(true);
  });

  it('lets a waiting job start without a queue: a follower its worker holds (runtime/followers.ts)', () => {
    expect(canMove(Code.Waiting, Code.Processing)).toBe(true);
  });
});

describe('move', () => {
  it('changes the status of an allowed move', () => {
    const status = new Uint8Array(4);
    status[2] = Code.Queued;
    move(status, 2, Code.Processing);
    expect(status[2]).toBe(Code.Processing);
  });

  it('throws on a forbidden move, naming the job and both statuses, and leaves the status alone', () => {
    const status = new Uint8Array(4);
    status[3] = Code.Done;
    expect(() => move(status, 3, Code.Queued)).toThrow('nimbus internal error: job 3 cannot go from done to queued');
    expect(status[3]).toBe(Code.Done);
  });
});
