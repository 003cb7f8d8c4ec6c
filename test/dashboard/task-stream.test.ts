/**
 * The task stream's rows: jobs packed into the fewest rows (a job takes the lowest row free at
 * its start), each worker's jobs on rows of its own when the jobs name their worker (Redis).
 */
import type { JobInfo } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';
import { packRows } from '../../dist/dashboard/task-stream.js';

function job(jid: number, started: number, finished: number | undefined, worker?: string): JobInfo {
  return { jid, started, finished, worker, fn: 'f', label: undefined, status: finished === undefined ? 'processing' : 'done' } as JobInfo;
}

const rowsOf = (packed: ReturnType<typeof packRows>) => Object.fromEntries(packed.bars.map((bar) => [bar.jid, bar.row]));

describe('the task stream rows', () => {
  it('packs jobs into the fewest rows, a job on the lowest row free at its start', () => {
    // 1 [0,10) and 2 [5,15) overlap; 3 [10,20) starts as 1 ends; 4 [12,∞) still runs; 5 [16,18).
    const packed = packRows([job(5, 16, 18), job(4, 12, undefined), job(3, 10, 20), job(2, 5, 15), job(1, 0, 10)]);
    expect(packed.rows).toEqual(['slot 1', 'slot 2', 'slot 3']);
    expect(rowsOf(packed)).toEqual({ 1: 'slot 1', 2: 'slot 2', 3: 'slot 1', 4: 'slot 3', 5: 'slot 2' });
  });

  it("puts each worker's jobs on rows of its own", () => {
    const packed = packRows([job(1, 0, 10, 'b:2'), job(2, 0, 10, 'a:1'), job(3, 5, 10, 'a:1'), job(4, 10, 12, 'a:1')]);
    expect(packed.rows).toEqual(['a:1 #1', 'a:1 #2', 'b:2 #1']);
    expect(rowsOf(packed)).toEqual({ 1: 'b:2 #1', 2: 'a:1 #1', 3: 'a:1 #2', 4: 'a:1 #1' });
  });

  it('has no rows without jobs', () => {
    expect(packRows([])).toEqual({ rows: [], bars: [] });
  });
});
