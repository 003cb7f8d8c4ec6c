import { describe, expect, it } from 'vitest';
import { ReadyQueue } from '../../../src/runtime/ready-queue.js';

/** A queue whose live jobs are those in `live`: removing a jid from it removes the job lazily. */
function createQueue() {
  const live = new Set<number>();
  const queue = new ReadyQueue((jid) => live.has(jid));
  return {
    queue,
    live,
    push(jid: number, priority = 0): void {
      live.add(jid);
      queue.push(jid, priority);
    },
    drain(): number[] {
      const out: number[] = [];
      for (let jid = queue.shift(); jid !== undefined; jid = queue.shift()) out.push(jid);
      return out;
    },
  };
}

describe('ReadyQueue order', () => {
  it('is empty at first', () => {
    const { queue } = createQueue();
    expect(queue.peek()).toBeUndefined();
    expect(queue.shift()).toBeUndefined();
    expect(queue.size).toBe(0);
  });

  it('hands out jobs of one priority first in, first out', () => {
    const q = createQueue();
    for (const jid of [5, 3, 9, 1]) q.push(jid);
    expect(q.drain()).toEqual([5, 3, 9, 1]);
  });

  it('hands out the lowest priority number first, then first in', () => {
    const q = createQueue();
    q.push(1, 5);
    q.push(2, 1);
    q.push(3, 5);
    q.push(4, -2);
    q.push(5, 1);
    q.push(6, 2.5);
    expect(q.drain()).toEqual([4, 2, 5, 6, 1, 3]);
  });

  it('peeks at the next job without removing it', () => {
    const q = createQueue();
    q.push(7);
    q.push(8);
    expect(q.queue.peek()).toBe(7);
    expect(q.queue.peek()).toBe(7);
    expect(q.queue.size).toBe(2);
    expect(q.queue.shift()).toBe(7);
  });

  it('takes a priority again after all its jobs were handed out', () => {
    const q = createQueue();
    q.push(1, 3);
    q.push(2, 7);
    expect(q.drain()).toEqual([1, 2]);
    q.push(3, 7);
    q.push(4, 3);
    expect(q.drain()).toEqual([4, 3]);
  });
});

describe('ReadyQueue lazy removal', () => {
  it('skips a job that is no longer live', () => {
    const q = createQueue();
    q.push(1);
    q.push(2);
    q.push(3);
    q.live.delete(1);
    q.live.delete(2);
    expect(q.queue.peek()).toBe(3);
    expect(q.drain()).toEqual([3]);
  });

  it('skips dead jobs in the middle too', () => {
    const q = createQueue();
    for (const jid of [1, 2, 3, 4]) q.push(jid);
    q.live.delete(2);
    q.live.delete(3);
    expect(q.drain()).toEqual([1, 4]);
  });

  it('finds live jobs of a worse priority behind dead ones of a better priority', () => {
    const q = createQueue();
    q.push(1, 0);
    q.push(2, 0);
    q.push(3, 9);
    q.live.delete(1);
    q.live.delete(2);
    expect(q.queue.peek()).toBe(3);
  });

  it('is empty when every job is dead', () => {
    const q = createQueue();
    q.push(1, 0);
    q.push(2, 4);
    q.live.clear();
    expect(q.queue.peek()).toBeUndefined();
    expect(q.queue.shift()).toBeUndefined();
    expect(q.queue.size).toBe(0);
  });

  it('counts dead jobs in its size until it meets them: the size is an upper bound', () => {
    const q = createQueue();
    for (const jid of [1, 2, 3]) q.push(jid);
    q.live.delete(1);
    expect(q.queue.size).toBe(3);
    q.queue.peek();
    expect(q.queue.size).toBe(2);
  });
});

describe('ReadyQueue compaction', () => {
  it('keeps every job in order across compactions of more than 2,000 jobs', () => {
    const q = createQueue();
    const expected: number[] = [];
    const out: number[] = [];
    let next = 1;
    for (; next <= 3_000; next++) {
      q.push(next);
      expected.push(next);
    }
    for (let i = 0; i < 2_500; i++) out.push(q.queue.shift()!);
    for (; next <= 6_000; next++) {
      q.push(next);
      expected.push(next);
    }
    for (let i = 0; i < 1_500; i++) out.push(q.queue.shift()!);
    out.push(...q.drain());
    expect(out).toEqual(expected);
    expect(q.queue.size).toBe(0);
  });

  it('keeps live jobs and drops dead ones across compactions', () => {
    const q = createQueue();
    for (let jid = 1; jid <= 5_000; jid++) q.push(jid);
    for (let jid = 1; jid <= 5_000; jid++) if (jid % 3 === 0) q.live.delete(jid);
    const out = q.drain();
    expect(out).toEqual(Array.from({ length: 5_000 }, (_, i) => i + 1).filter((jid) => jid % 3 !== 0));
  });

  it('interleaves pushes and shifts over many compactions without losing or repeating a job', () => {
    const q = createQueue();
    const out: number[] = [];
    let next = 1;
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 700; i++) q.push(next++);
      for (let i = 0; i < 500; i++) out.push(q.queue.shift()!);
    }
    out.push(...q.drain());
    expect(out).toEqual(Array.from({ length: next - 1 }, (_, i) => i + 1));
  });
});

describe('ReadyQueue runs of jids', () => {
  it('keeps jids that are not consecutive in order across compactions of their runs', () => {
    const q = createQueue();
    const out: number[] = [];
    const expected: number[] = [];
    let next = 1;
    for (let round = 0; round < 20; round++) {
      // Every other jid: each push is a run of its own.
      for (let i = 0; i < 700; i++, next += 2) {
        q.push(next);
        expected.push(next);
      }
      for (let i = 0; i < 500; i++) out.push(q.queue.shift()!);
    }
    out.push(...q.drain());
    expect(out).toEqual(expected);
  });

  it('queues a run at once, and a run pushed behind it continues it in order', () => {
    const q = createQueue();
    for (let jid = 10; jid < 20; jid++) q.live.add(jid);
    q.live.add(3);
    q.queue.pushRun(10, 15, 0);
    q.queue.push(3, 0);
    q.queue.pushRun(15, 20, 0);
    expect(q.queue.size).toBe(11);
    expect(q.drain()).toEqual([10, 11, 12, 13, 14, 3, 15, 16, 17, 18, 19]);
  });

  it("drops a run's dead jobs wherever they are in it", () => {
    const q = createQueue();
    for (let jid = 1; jid <= 100; jid++) q.live.add(jid);
    q.queue.pushRun(1, 101, 0);
    for (const jid of [1, 2, 50, 100]) q.live.delete(jid);
    expect(q.queue.peek()).toBe(3);
    expect(q.drain()).toEqual(Array.from({ length: 100 }, (_, i) => i + 1).filter((jid) => ![1, 2, 50, 100].includes(jid)));
    expect(q.queue.size).toBe(0);
  });

  it('shifts live jobs while they ride, up to a count, across lanes and past dead ones', () => {
    const q = createQueue();
    for (let jid = 1; jid <= 30; jid++) q.live.add(jid);
    q.queue.pushRun(1, 11, 0);
    q.queue.pushRun(11, 31, 1);
    q.live.delete(4);
    const into = [0];
    expect(q.queue.shiftWhile(into, 1, 6, () => true)).toBe(6);
    expect(into).toEqual([0, 1, 2, 3, 5, 6]);
    // Stops at the first live job that does not ride, and leaves it queued.
    expect(q.queue.shiftWhile(into, 6, 100, (jid) => jid !== 13)).toBe(12);
    expect(into.slice(6)).toEqual([7, 8, 9, 10, 11, 12]);
    expect(q.queue.peek()).toBe(13);
    expect(q.drain()).toEqual(Array.from({ length: 18 }, (_, i) => i + 13));
  });
});
