import { Cloud } from 'nimbus';
import { burn } from './work.js';
const type = process.argv[2] ?? 'c1';
const it = 50_000_000;
const cloud = new Cloud();
const view = cloud.with({ type });
await cloud.result(await view.map(burn, new Array(5).fill(it)));
for (let rep = 0; rep < 4; rep++) {
  const t0 = Date.now();
  const jids = await view.map(burn, new Array(64).fill(it));
  await cloud.result(jids);
  const ms = Date.now() - t0;
  const infos = await cloud.info(jids);
  const durs = infos.map(i => i.finished - i.started);
  // concurrency profile: count running per 100ms bucket
  const buckets = [];
  for (let t = t0; t < t0 + ms; t += 100) buckets.push(infos.filter(i => i.started <= t + 50 && i.finished > t + 50).length);
  console.log(type, ms, 'ms; job ms min/max', Math.min(...durs), Math.max(...durs), 'conc', buckets.join(''));
}
await cloud.close();
