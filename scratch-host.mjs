import { spawn } from 'node:child_process';
import { Redis } from 'ioredis';
import { startWorker } from './dist/index.js';
import { RedisRecords } from './dist/redis/redis-records.js';
import { ChunkQueues } from './dist/redis/chunk-queues.js';
import { shipFunction } from './dist/shipping/ship-function.js';
import { packArguments } from './dist/wire/payload.js';
import { resolveJobOptions } from './dist/options.js';
const port = 16400;
const srv = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise(r => setTimeout(r, 300));
const url = `redis://127.0.0.1:${port}/0`;
try {
  const worker = await startWorker({ redis: url, cores: 1, isolation: 'thread' });
  console.log('ready', worker.id, worker.redis, worker.cores, worker.computeUnits);
  const redis = new Redis(url);
  const records = new RedisRecords(redis, 'nimbus');
  const queues = new ChunkQueues(redis, records.keys, '0.1.0');
  const fn = shipFunction((x) => { console.log('hi', x); return x * 2; });
  const { first, ready } = await records.submit({ fn, argsList: [1,2,3,4,5].map(x => packArguments([x])), options: resolveJobOptions({}) }, 2);
  await queues.add(ready);
  const jids = [0,1,2,3,4].map(i => first + i);
  const t0 = Date.now();
  for (;;) {
    const results = await records.results(jids);
    if (results.every(r => r !== undefined)) { console.log(JSON.stringify(results), Date.now() - t0); break; }
    await new Promise(r => setTimeout(r, 50));
  }
  console.log(await records.info([first]));
  await worker.close();
  console.log('closed');
  await queues.close(); redis.disconnect();
} finally { srv.kill(); }
