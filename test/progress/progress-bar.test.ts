import { describe, expect, it } from 'vitest';
import { ProgressBar, renderProgressLine, type ProgressCounts } from '../../src/progress/progress-bar.js';

const counts = (done: number, error = 0, killed = 0, stalled = 0, total = 100): ProgressCounts => ({ total, done, error, killed, stalled });

/** A terminal that keeps what is written, and a clock the test moves. */
function terminal(isTTY = true) {
  const writes: string[] = [];
  let now = 0;
  const stream = { isTTY, columns: 100, write: (text: string) => writes.push(text) };
  return { stream, writes, clock: { now: () => now, advance: (ms: number) => (now += ms) } };
}

describe('the progress line', () => {
  it('shows the bar, the counts, the rate and the time left', () => {
    expect(renderProgressLine(counts(38, 1, 1), 4000, 100)).toBe(`[${'█'.repeat(16)}${'░'.repeat(24)}] 40/100  done 38  error 1  killed 1  10.0/s  ETA 6.00 s`);
  });

  it('shows stalled jobs only when there are some, and "done" at the end', () => {
    expect(renderProgressLine(counts(97, 0, 0, 3), 10_000, 100)).toMatch(/\] 100\/100 {2}done 97 {2}error 0 {2}killed 0 {2}stalled 3 {2}10\.0\/s {2}done$/);
  });

  it('has no ETA before the first job ends, and keeps the bar 10 to 40 characters wide', () => {
    expect(renderProgressLine(counts(0), 0, 20)).toBe(`[${'░'.repeat(10)}] 0/100  done 0  error 0  killed 0  0.0/s  ETA -`);
    expect(renderProgressLine(counts(50), 1000, 500)).toMatch(/^\[█{20}░{20}\]/);
  });
});

describe('ProgressBar', () => {
  it('redraws one line in place, at most once every 100 ms, and ends it on finish', () => {
    const { stream, writes, clock } = terminal();
    const bar = new ProgressBar(stream, { now: clock.now });
    clock.advance(1000);
    bar.update(counts(10));
    bar.update(counts(11)); // within 100 ms of the last draw: waits
    clock.advance(100);
    bar.update(counts(12));
    bar.finish();
    expect(writes.map((text) => /\] (\d+)\/100/.exec(text)?.[1] ?? JSON.stringify(text))).toEqual(['10', '12', '12', '"\\n"']);
    expect(writes[0]!.startsWith('\r[')).toBe(true);
    expect(writes[0]!.endsWith('\x1b[K')).toBe(true);
  });

  it('draws the last counts one interval later when no update follows', async () => {
    const { stream, writes } = terminal();
    const bar = new ProgressBar(stream);
    bar.update(counts(1));
    bar.update(counts(2));
    expect(writes).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(writes[1]).toContain('] 2/100');
    bar.finish();
  });

  it('draws at once when every job has ended', () => {
    const { stream, writes, clock } = terminal();
    const bar = new ProgressBar(stream, { now: clock.now });
    bar.update(counts(99));
    bar.update(counts(100));
    expect(writes[1]).toContain('] 100/100');
    bar.finish();
  });

  it('writes nothing when the stream is not a terminal', () => {
    const { stream, writes } = terminal(false);
    const bar = new ProgressBar(stream);
    expect(bar.enabled).toBe(false);
    bar.update(counts(5));
    bar.finish();
    expect(writes).toEqual([]);
  });
});
