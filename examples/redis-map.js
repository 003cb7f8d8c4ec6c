// Jobs on Redis: two `nimbus worker` processes (as you would start one per machine) share a map
// submitted by this script, which runs no job itself. Needs a Redis server (6.2 or later):
//   redis-server --port 6379 --save '' &
//   node examples/redis-map.js redis://127.0.0.1:6379
// In your own project the worker command is `npx nimbus worker --redis URL`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Cloud } from '@nimbus-js/nimbus';

const redis = process.argv[2] ?? process.env.NIMBUS_REDIS ?? 'redis://127.0.0.1:6379';
const queue = 'nimbus-example';
const nimbusCommand = fileURLToPath(new URL('../dist/cli/main.js', import.meta.url));

// Each worker's stderr is kept and shown only if it fails (it says when it starts and stops).
const workers = [1, 2].map(() => {
  const worker = spawn(process.execPath, [nimbusCommand, 'worker', '--redis', redis, '--queue', queue, '--cores', '1'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let said = '';
  worker.stderr.on('data', (text) => (said += text));
  worker.on('exit', (code) => code !== 0 && process.stderr.write(said));
  return worker;
});

const cloud = new Cloud({ redis, queue });
const jids = await cloud.map(
  (n) => {
    let sum = 0;
    for (let i = 1; i <= n; i++) sum += i;
    return sum;
  },
  Array.from({ length: 100 }, (_, i) => (i + 1) * 10_000),
);
const sums = await cloud.result(jids);
const ranOn = new Set((await cloud.info(jids, ['worker'])).map((info) => info.worker));

console.log(`${sums.length} jobs; the last sum is ${sums.at(-1)}; they ran on ${ranOn.size} worker(s)`);
await cloud.close();
// SIGTERM: a worker finishes its running jobs, then exits.
await Promise.all(workers.map((worker) => new Promise((resolve) => worker.once('exit', resolve).kill('SIGTERM'))));
