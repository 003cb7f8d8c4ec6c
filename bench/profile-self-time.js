/**
 * Reads a V8 CPU profile (`node --cpu-prof`) and prints self time by function, the largest
 * first: where a thread's time goes, without a profiler UI. Not a scenario of `npm run bench`.
 * Under load, time a thread spent descheduled is charged to the function that was running.
 *
 * Usage: node bench/profile-self-time.js <file.cpuprofile>... [top=40]
 * Several files (the worker processes of one run, say) are summed.
 */
import { readFileSync } from 'node:fs';

const args = process.argv.slice(2);
const files = args.filter((arg) => !/^\d+$/.test(arg));
const top = args.find((arg) => /^\d+$/.test(arg)) ?? '40';
if (files.length === 0) {
  console.error('usage: node bench/profile-self-time.js <file.cpuprofile>... [top]');
  process.exit(1);
}

// Each sample names the node running then; the delta before it is the time it stands for.
const selfMicros = new Map();
for (const file of files) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const nodeById = new Map(profile.nodes.map((node) => [node.id, node]));
  for (let i = 0; i < profile.samples.length; i++) {
    const node = nodeById.get(profile.samples[i]);
    const { functionName, url, lineNumber } = node.callFrame;
    const where = url ? `${url.replace(/^.*\/(dist|node_modules)\//, '$1/')}:${lineNumber + 1}` : '';
    const key = `${functionName || '(anonymous)'} ${where}`.trim();
    selfMicros.set(key, (selfMicros.get(key) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
}
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);
const idle = selfMicros.get('(idle)') ?? 0;
console.log(`total ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms, busy ${((total - idle) / 1000).toFixed(0)} ms`);
const rows = [...selfMicros].filter(([key]) => key !== '(idle)').sort((a, b) => b[1] - a[1]);
for (const [key, micros] of rows.slice(0, Number(top))) {
  console.log(`${((100 * micros) / (total - idle)).toFixed(1).padStart(5)}%  ${(micros / 1000).toFixed(0).padStart(6)} ms  ${key}`);
}
