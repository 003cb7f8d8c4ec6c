/**
 * The measuring half of the `memory` scenario, run by it in a child process started with
 * --expose-gc (so that gc() exists and nothing else in the heap is the bench's). It prints one
 * JSON line: the main thread's memory before and after N finished jobs whose results were fetched
 * and dropped, so that only the runtime's job records remain.
 * Usage: job-heap-probe.js N [Cloud config as JSON]
 */
import { Cloud } from '@nimbus-js/nimbus';
import { addTwo } from './work.js';

/** Untimed jobs before the baseline, so the pool, its workers and the compiled code are in it. */
const WARM_UP_JOBS = 1_000;
/** Full collections per reading: one can leave garbage that only the next one frees. */
const COLLECTIONS = 3;

const jobs = Number(process.argv[2]);
if (!Number.isSafeInteger(jobs) || jobs < 1) throw new Error(`usage: job-heap-probe.js N, got ${process.argv[2]}`);

const cloud = new Cloud(JSON.parse(process.argv[3] ?? '{}'));
await runAndDrop(WARM_UP_JOBS);
const before = await settledMemory();
await runAndDrop(jobs);
const after = await settledMemory();
await cloud.close();
process.stdout.write(`${JSON.stringify({ jobs, before, after })}\n`);

/** Maps N jobs, fetches every result, and lets go of jids and results alike. */
async function runAndDrop(count) {
  const results = await cloud.result(
    await cloud.map(
      addTwo,
      Array.from({ length: count }, (_, i) => i),
    ),
  );
  if (results.length !== count || results[count - 1] !== addTwo(count - 1)) throw new Error('wrong results');
}

async function settledMemory() {
  for (let i = 0; i < COLLECTIONS; i++) {
    // Let pending callbacks run first, so what they hold is garbage by the time gc() looks.
    await new Promise((resolve) => setImmediate(resolve));
    globalThis.gc();
  }
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return { heapUsed, arrayBuffers };
}
