import { describe, expect, it } from 'vitest';
import { LongTimer, MAX_DELAY_MS, MAX_TIMER_STEP_MS } from '../../../src/platform/long-timer.js';

/** Resolves with the ms it took a LongTimer to fire. */
function firing(delayMs: number, stepMs?: number): Promise<number> {
  const start = performance.now();
  return new Promise((resolve) => new LongTimer(() => resolve(performance.now() - start), delayMs, stepMs));
}

describe('LongTimer', () => {
  it('fires after its delay when the delay fits one Node timer', async () => {
    expect(await firing(30)).toBeGreaterThanOrEqual(29);
  });

  it('chains steps to wait a delay longer than one step, never less than the delay', async () => {
    // Steps of 10 ms stand for Node's 2^31-1 ms: 45 ms takes five of them.
    expect(await firing(45, 10)).toBeGreaterThanOrEqual(44);
  });

  it('does not fire once cancelled, even between steps', async () => {
    let fired = false;
    const timer = new LongTimer(
      () => {
        fired = true;
      },
      30,
      10,
    );
    await new Promise((resolve) => setTimeout(resolve, 15));
    timer.cancel();
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toBe(false);
  });

  it('a delay of 2^31 ms or more neither fires at once nor warns of a timeout overflow', async () => {
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    let fired = false;
    const timers = [2 ** 31, MAX_DELAY_MS].map(
      (delay) =>
        new LongTimer(() => {
          fired = true;
        }, delay),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const timer of timers) timer.cancel();
    process.off('warning', onWarning);
    expect(fired).toBe(false);
    expect(warnings.map((warning) => warning.name)).not.toContain('TimeoutOverflowWarning');
  });

  it('refuses a delay it cannot wait', () => {
    expect(() => new LongTimer(() => {}, MAX_DELAY_MS + 2)).toThrow(RangeError);
    expect(() => new LongTimer(() => {}, Number.NaN)).toThrow(RangeError);
    expect(() => new LongTimer(() => {}, -1)).toThrow(RangeError);
  });

  it('steps at most what one Node timer holds', () => {
    expect(MAX_TIMER_STEP_MS).toBe(2_147_483_647);
  });
});
