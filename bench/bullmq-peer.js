/**
 * The raw BullMQ baseline of the Redis scenarios, on the same Redis: BullMQ Worker processes
 * doing x + 2 (workers/bullmq-add-two.js), and a client that adds jobs (Queue.addBulk, or one
 * Queue.add at a time) and hears of their completion through QueueEvents, as BullMQ's own docs do.
 * Whoever starts one must await its close().
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';

const WORKER = fileURLToPath(new URL('./workers/bullmq-add-two.js', import.meta.url));
const PREFIX = 'bench';
/** Jobs per addBulk call: one call per job would measure the client, not the queue. */
export const ADD_BULK_CHUNK = 1_000;
/**
 * Completed events the stream keeps (BullMQ's default is about 10,000): a map's events must all
 * still be there when the client reads them, or it would never count them all.
 */
const EVENTS_KEPT = 1_000_000;

/** `workers` BullMQ worker processes on `queue`, each running `concurrency` jobs at once, and a client. */
export async function startBullmq(url, queue, workers, concurrency) {
  const children = [];
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const client = new Queue(queue, { connection, prefix: PREFIX, streams: { events: { maxLen: EVENTS_KEPT } } });
  const events = new QueueEvents(queue, { connection: { host: new URL(url).hostname, port: Number(new URL(url).port) }, prefix: PREFIX });
  const close = async () => {
    await Promise.all(children.map(stopWorker));
    await events.close();
    await client.close();
    connection.disconnect();
  };
  try {
    await Promise.all([client.waitUntilReady(), events.waitUntilReady()]);
    for (let i = 0; i < workers; i++) {
      const child = spawn(process.execPath, [WORKER, url, queue, String(concurrency)], { stdio: ['ignore', 'pipe', 'inherit'] });
      children.push(child);
      const [line] = await once(child.stdout.setEncoding('utf8'), 'data');
      if (!String(line).startsWith('ready')) throw new Error(`a BullMQ worker said ${line}`);
      child.stdout.resume();
    }
  } catch (error) {
    await close();
    throw error;
  }

  /** Adds one job per x and resolves with the results, in the order of xs, once all are complete. */
  let maps = 0;
  const map = async (xs) => {
    // Ids of our own, so that an event heard before addBulk answers is still placed.
    const run = `m${++maps}-`;
    const results = new Array(xs.length);
    let left = xs.length;
    const done = new Promise((resolve) => {
      const onCompleted = ({ jobId, returnvalue }) => {
        if (!jobId.startsWith(run)) return;
        results[Number(jobId.slice(run.length))] = Number(returnvalue);
        if (--left === 0) {
          events.off('completed', onCompleted);
          resolve();
        }
      };
      events.on('completed', onCompleted);
    });
    for (let start = 0; start < xs.length; start += ADD_BULK_CHUNK) {
      const jobs = xs.slice(start, start + ADD_BULK_CHUNK).map((x, i) => ({
        name: 'add-two',
        data: { x },
        opts: { jobId: `${run}${start + i}`, removeOnComplete: true, removeOnFail: true },
      }));
      await client.addBulk(jobs);
    }
    await done;
    return results;
  };

  /** One job, added and awaited until BullMQ says it completed: a round trip. */
  const roundTrip = async (x) => {
    const job = await client.add('add-two', { x }, { removeOnComplete: { count: 1_000 }, removeOnFail: true });
    return job.waitUntilFinished(events);
  };

  return { map, roundTrip, close };
}

async function stopWorker(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}
