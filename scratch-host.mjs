import { spawn } from 'node:child_process';
import { startWorker, Cloud } from './dist/index.js';
const port = 16400;
const srv = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
await new Promise(r => setTimeout(r, 300));
const url = `redis://127.0.0.1:${port}/0`;
try {
  const worker = await startWorker({ redis: url, cores: 1, isolation: 'thread' });
  const cloud = new Cloud({ redis: url });
  const jids = await cloud.map((x) => x * 2, [1, 2, 3, 4, 5]);
  console.log(await cloud.result(jids));
  const parent = await cloud.call(async (n) => {
    const kids = await cloud.map((i) => { const t = Date.now(); while (Date.now() - t < 20); return i * i; }, Array.from({ length: n }, (_, i) => i));
    return (await cloud.result(kids)).reduce((a, b) => a + b, 0);
  }, 20);
  console.log('parent', await cloud.result(parent, { timeout: 20000 }), (await cloud.info(parent)).worker);
  console.log(await cloud.load());
  await cloud.close();
  await worker.close();
  console.log('closed');
} finally { srv.kill(); }
