/**
 * Scenario `redis-cpu-bound`: the CPU-bound map (jobs of burn(), about 50 ms each) on a Redis cloud
 * whose two `nimbus worker`s take one core each, against the ideal: the same jobs run one after
 * another in the main thread, divided by the two workers' cores. The jobs are c2, one per core, as
 * in the scaling scenario. The two take turns for a few rounds; each keeps its fastest.
 */
import { Cloud } from '@nimbus-js/nimbus';
import * as show from './format.js';
import { startNimbusWorkers, startRedisServer } from './redis-cluster.js';
import { timeInTurns } from './stopwatch.js';
import { atLeast } from './target.js';
import { burn, burnWork } from './work.js';

export const name = 'redis-cpu-bound';
export const title = 'Redis: CPU-bound map over 2 workers of one core, efficiency against the ideal';

const FULL = { jobs: 64, jobMs: 50, rounds: 3 };
const QUICK = { jobs: 8, jobMs: 20, rounds: 2 };
const WORKERS = 2;
const CORES_PER_WORKER = 1;
/** Issue 13: makespan within this share of the ideal. */
const MIN_EFFICIENCY = 0.85;

export async function run({ quick }) {
  const { jobs, jobMs, rounds } = quick ? QUICK : FULL;
  const { work, iterations, check } = burnWork(jobs, jobMs);
  const cores = WORKERS * CORES_PER_WORKER;
  const redis = await startRedisServer();
  let times;
  let failure;
  try {
    const workers = await startNimbusWorkers(redis.url, 'bench-cpu', WORKERS, ['--cores', String(CORES_PER_WORKER)]);
    const cloud = new Cloud({ redis: redis.url, queue: 'bench-cpu' });
    const c2 = cloud.with({ type: 'c2' });
    try {
      // One untimed map, so that every worker's job processes are up and burn() is compiled.
      await c2.result(await c2.map(burn, work.slice(0, 2 * cores)));
      times = await timeInTurns(rounds, [() => check(work.map(burn)), async () => check(await c2.result(await c2.map(burn, work)))]);
    } finally {
      await cloud.close();
      await workers.stop();
    }
  } catch (error) {
    failure = error;
  } finally {
    await redis.stop();
  }

  const sequentialMs = times ? Math.min(...times[0]) : NaN;
  const makespanMs = times ? Math.min(...times[1]) : NaN;
  const idealMs = sequentialMs / cores;
  const efficiency = times ? idealMs / makespanMs : 0;
  return {
    config: { jobs, jobMs, iterationsPerJob: iterations, workers: WORKERS, coresPerWorker: CORES_PER_WORKER, rounds },
    table: {
      header: ['runner', 'cores', 'makespan', 'ideal', 'efficiency'],
      rows: [
        ['main-thread loop (sequential)', '1', show.millis(sequentialMs), show.millis(sequentialMs), '-'],
        [
          'nimbus c2 map on Redis',
          String(cores),
          failure ? 'failed' : show.millis(makespanMs),
          show.millis(idealMs),
          failure ? '-' : show.fraction(efficiency),
        ],
      ],
    },
    notes: [
      failure
        ? `nimbus on Redis failed: ${failure.message}`
        : `${jobs} jobs of burn(${show.count(iterations)}), about ${jobMs} ms each; efficiency = (sequential / ${cores} cores) / makespan.`,
      `${rounds} rounds, taking turns with the main-thread loop; each keeps its fastest.`,
    ],
    measurements: failure ? { error: failure.message } : { sequentialMs, makespanMs, idealMs, efficiency, rounds: times },
    targets: [atLeast('redis cpu-bound: efficiency over 2 workers', efficiency, MIN_EFFICIENCY, show.fraction)],
  };
}
