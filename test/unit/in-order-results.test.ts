/** iresult's reading loop against waits that answer in order (the local runtime) or as a plain `any` (Redis). */
import { describe, expect, it } from 'vitest';
import { resultRunsInOrder, type InOrderWait } from '../../src/in-order-results.js';
import type { JobResult } from '../../src/types/job-service.js';
import { verdictResults } from '../../src/wire/verdict-results.js';

const resultOf = (jid: number): JobResult => ({ ok: true, value: jid * 10 });

/**
 * A wait over jobs that complete in `arrivals` (one list per wait, the jobs complete by then);
 * `inOrder` answers with the complete run from the first, else with every complete job asked.
 */
function scriptedWait(arrivals: number[][], inOrder: boolean): { wait: InOrderWait; asked: number[][] } {
  const complete = new Set<number>();
  const asked: number[][] = [];
  const wait: InOrderWait = (jids) => {
    asked.push(jids);
    for (const jid of arrivals.shift() ?? []) complete.add(jid);
    let answered = jids.filter((jid) => complete.has(jid));
    if (inOrder) {
      const end = jids.findIndex((jid) => !complete.has(jid));
      answered = end === -1 ? jids : jids.slice(0, end);
    }
    return Promise.resolve({ kind: 'complete', jids: answered, results: verdictResults(answered.map(resultOf)) });
  };
  return { wait, asked };
}

async function read(order: number[], wait: InOrderWait): Promise<{ runs: number[][]; values: unknown[] }> {
  const runs: number[][] = [];
  for await (const run of resultRunsInOrder(order, wait, undefined)) runs.push(run.values.map((value, i) => (run.failures?.has(i) ? -1 : (value as number))));
  return { runs, values: runs.flat() };
}

describe('resultRunsInOrder', () => {
  const order = [1, 2, 3, 4, 5, 6];
  const arrivals = [[2, 5], [1], [3, 4, 6]];

  it('with in-order waits: a run per wait that brought the next job, in order', async () => {
    const { wait, asked } = scriptedWait(
      arrivals.map((a) => [...a]),
      true,
    );
    const { runs, values } = await read(order, wait);
    expect(values).toEqual(order.map((jid) => jid * 10));
    expect(runs).toEqual([
      [10, 20],
      [30, 40, 50, 60],
    ]);
    expect(asked).toEqual([order, order, [3, 4, 5, 6]]);
  });

  it('with plain any waits: what comes ahead of its turn is kept and given in its turn, once', async () => {
    const { wait } = scriptedWait(
      arrivals.map((a) => [...a]),
      false,
    );
    const { values } = await read(order, wait);
    expect(values).toEqual(order.map((jid) => jid * 10));
  });

  it('a jid asked twice is given twice, in both places', async () => {
    for (const inOrder of [true, false]) {
      const { wait } = scriptedWait([[7], [8]], inOrder);
      expect((await read([7, 8, 7], wait)).values).toEqual([70, 80, 70]);
    }
  });

  it('waits no further than a window ahead: a long map is read in a few waits', async () => {
    const long = Array.from({ length: 10_000 }, (_, i) => i);
    const { wait, asked } = scriptedWait([long], true);
    expect((await read(long, wait)).values).toHaveLength(10_000);
    expect(asked.length).toBe(3);
    expect(Math.max(...asked.map((jids) => jids.length))).toBeLessThan(10_000);
  });
});
