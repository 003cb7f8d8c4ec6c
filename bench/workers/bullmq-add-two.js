/**
 * The raw BullMQ baseline's worker process: a BullMQ Worker doing x + 2, as a user hand-writes one
 * per queue. Usage: node bullmq-add-two.js <redis url> <queue> <concurrency>. Prints "ready" once
 * it takes jobs; SIGTERM closes it (BullMQ finishes the active jobs) and exits.
 */
import { Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { addTwo } from '../work.js';

const [url, queue, concurrency] = process.argv.slice(2);
const connection = new Redis(url, { maxRetriesPerRequest: null });
const worker = new Worker(queue, async (job) => addTwo(job.data.x), { connection, concurrency: Number(concurrency), prefix: 'bench' });
await worker.waitUntilReady();
console.log('ready');
process.once('SIGTERM', async () => {
  await worker.close();
  connection.disconnect();
  process.exit(0);
});
