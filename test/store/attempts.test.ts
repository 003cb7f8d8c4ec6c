/**
 * `attempts` counts every run of a job, however many: a restartable job whose worker dies on
 * every run stops after 1 + maxRestarts runs, also when maxRestarts is 255 or more (a byte
 * wrapped at 256 and restarted it for ever). The runtime is driven by an executor whose worker
 * dies under every job, reported as the executors report it (crashed, retryable).
 */
import { describe, expect, it } from 'vitest';
import { Runtime } from '../../src/runtime/runtime.js';
import { shipFunction } from '../../src/shipping/ship-function.js';
import { computeUnitsOf } from '../../src/types/resource-profiles.js';
import type { Executor, ExecutorEvents } from '../../src/types/executor.js';
import { resolveJobOptions } from '../../src/options.js';

/** Every batch's worker dies at once, on the next turn of the event loop. */
function dyingExecutor(events: ExecutorEvents): Executor {
  return {
    start: async () => {},
    run(batch) {
      setImmediate(() => events.crashed(batch.jids[0]!, { name: 'WorkerCrashed', message: 'worker exited (signal SIGKILL)', stack: undefined }, true));
    },
    // Its jobs never start: their workers die first.
    startedJobs() {},
    stop() {},
    close: async () => {},
  };
}

const options = resolveJobOptions({ restartable: true });

describe.each([3, 255, 300])('a restartable job whose worker always dies, maxRestarts %i', (maxRestarts) => {
  it('runs 1 + maxRestarts times, then ends error with attempts counting every run', async () => {
    const runtime = new Runtime({
      computeUnits: 4,
      capacity: 4,
      costOf: computeUnitsOf,
      maxRestarts,
      memoryLimitOf: () => undefined,
      createExecutor: (events) => dyingExecutor(events),
    });
    const jid = await runtime.submit({ fn: shipFunction(function f() {}), argsList: [[]], options });
    const verdict = await runtime.wait({ jids: [jid], timeout: 15_000, ignoreErrors: false, values: false, any: false, caller: undefined });
    expect(verdict.kind).toBe('failed');
    const [info] = await runtime.info([jid]);
    expect([info!.status, info!.attempts]).toEqual(['error', maxRestarts + 1]);
    await runtime.close();
  });
});
