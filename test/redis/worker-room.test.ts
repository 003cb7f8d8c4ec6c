/**
 * When a Redis worker may take another chunk: Scheduler.hasRoomFor, the pure rule under the
 * worker's RoomGate, and the gate. A worker takes work only when a job of that type would start at
 * once, or, for a type whose chunks run short, one in reserve once nothing waits.
 */
import { describe, expect, it } from 'vitest';
import { resolveJobOptions } from '../../src/options.js';
import { JobTable } from '../../src/runtime/job-table.js';
import { RoomGate } from '../../src/redis/room-gate.js';
import { Scheduler, type Capacity } from '../../src/runtime/scheduler.js';
import type { ResolvedJobOptions } from '../../src/types/job-service.js';
import { computeUnitsOf } from '../../src/types/resource-profiles.js';
import type { ShippedFunction } from '../../src/types/shipped-function.js';

const NOW = 1_000_000;
const WORK: ShippedFunction = { id: 'work', name: 'work', root: 0, nodes: [], data: undefined };

function scheduler(capacity: Partial<Capacity> = {}) {
  const table = new JobTable();
  const s = new Scheduler(table, { capacity: 2.5, costOf: computeUnitsOf, ...capacity }, () => {});
  return {
    s,
    submit(options: Partial<ResolvedJobOptions> = {}, count = 1): number[] {
      const first = table.allocate(count);
      s.accept(
        first,
        WORK,
        Array.from({ length: count }, (_, i) => [i]),
        { ...resolveJobOptions({}), ...options },
        NOW,
      );
      return Array.from({ length: count }, (_, i) => first + i);
    },
  };
}

describe('hasRoomFor', () => {
  it('has room on an idle runtime for what fits its compute units, and none for what does not', () => {
    const { s } = scheduler();
    expect(s.hasRoomFor('c1', 1)).toBe(true);
    expect(s.hasRoomFor('c2', 1)).toBe(true);
    expect(s.hasRoomFor('m1', 1)).toBe(false);
    expect(s.hasRoomFor('c1', 3)).toBe(false);
  });

  it('has none while a job waits in a queue, even one that will fit once dispatched', () => {
    const { s, submit } = scheduler();
    submit();
    expect(s.hasRoomFor('c1', 1)).toBe(false);
    s.takeBatches(NOW);
    expect(s.hasRoomFor('c1', 1)).toBe(true);
  });

  it('has none once the running jobs hold the compute units a job of the type needs', () => {
    const { s, submit } = scheduler();
    submit({ type: 'c2' });
    s.takeBatches(NOW);
    expect(s.hasRoomFor('c2', 1)).toBe(false);
    expect(s.hasRoomFor('c1', 1)).toBe(false);
  });

  it('has none for a type at its running cap, while others still have room', () => {
    const { s, submit } = scheduler({ capacity: 5, maxRunning: (type) => (type === 's1' ? 1 : Infinity) });
    submit({ type: 's1' });
    s.takeBatches(NOW);
    expect(s.hasRoomFor('s1', 1)).toBe(false);
    expect(s.hasRoomFor('c1', 1)).toBe(true);
  });

  it('has room again while a running job waits on others (parked), and none once it holds its units again', () => {
    const { s, submit } = scheduler({ capacity: 1 });
    const [parent] = submit();
    s.takeBatches(NOW);
    expect(s.hasRoomFor('c1', 1)).toBe(false);
    s.block(parent!);
    expect(s.hasRoomFor('c1', 1)).toBe(true);
    s.unblock(parent!);
    expect(s.hasRoomFor('c1', 1)).toBe(false);
  });
});

describe('RoomGate', () => {
  /** A runtime's answers, set by the test. */
  const source = () => ({ room: false, hasQueued: true });

  it('lets a take through when the runtime has room, and holds it until then', async () => {
    const runtime = source();
    const gate = new RoomGate({
      hasRoomFor: () => runtime.room,
      get hasQueued() {
        return runtime.hasQueued;
      },
    });
    let through = false;
    const waiting = gate.whenRoom('c1').then(() => (through = true));
    gate.reconsider();
    await new Promise((resolve) => setImmediate(resolve));
    expect(through).toBe(false);
    runtime.room = true;
    gate.reconsider();
    await waiting;
    expect(through).toBe(true);
  });

  it('with a reserve (the type runs short chunks), lets a take through once nothing waits in the runtime, room or not', async () => {
    const runtime = source();
    const gate = new RoomGate({
      hasRoomFor: () => runtime.room,
      get hasQueued() {
        return runtime.hasQueued;
      },
    });
    let plain = false;
    let reserve = false;
    void gate.whenRoom('c1').then(() => (plain = true));
    const reserved = gate.whenRoom('c1', true).then(() => (reserve = true));
    runtime.hasQueued = false;
    gate.reconsider();
    await reserved;
    expect([plain, reserve]).toEqual([false, true]);
    gate.openForGood();
    await new Promise((resolve) => setImmediate(resolve));
    expect(plain).toBe(true);
  });
});
