/**
 * `npm run bench`: runs the scenarios named on the command line (all of them when none), prints
 * each one's table of nimbus beside its peers, writes each one's figures to
 * bench/results/<scenario>-<timestamp>.json, and ends with the targets, met or missed.
 * It exits by itself: every scenario closes what it started.
 *
 * Usage: node bench/run.js [scenario...] [--quick] [--isolation=thread|process]
 *   --quick        small sizes, to check that everything runs
 *   --isolation=X  every scenario's nimbus is `new Cloud({ isolation: X })`; else `new Cloud()`
 */
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import * as capturedData from './captured-data.js';
import * as cpuBound from './cpu-bound.js';
import * as cuScheduling from './cu-scheduling.js';
import * as dependencies from './dependencies.js';
import * as homeMap from './home-map.js';
import * as iresultMap from './iresult-map.js';
import { table } from './format.js';
import * as latency from './latency.js';
import * as mainThreadCost from './main-thread-cost.js';
import * as memory from './memory.js';
import * as redisCpuBound from './redis-cpu-bound.js';
import * as redisLatency from './redis-latency.js';
import * as redisMap from './redis-map.js';
import * as scaling from './scaling.js';
import * as simulatedCluster from './simulated-cluster.js';
import * as trivialMap from './trivial-map.js';
import * as workerStart from './worker-start.js';

const SCENARIOS = [
  trivialMap,
  mainThreadCost,
  latency,
  iresultMap,
  cpuBound,
  scaling,
  simulatedCluster,
  cuScheduling,
  capturedData,
  memory,
  dependencies,
  workerStart,
  homeMap,
  redisMap,
  redisLatency,
  redisCpuBound,
];
const RESULTS_DIR = new URL('./results/', import.meta.url);

const ISOLATION_OPTION = /^--isolation=(.+)$/;

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const isolation = args.map((arg) => ISOLATION_OPTION.exec(arg)?.[1]).find(Boolean);
const cloudConfig = isolation ? { isolation } : undefined;
const asked = args.filter((arg) => arg !== '--quick' && !ISOLATION_OPTION.test(arg));
const unknown = asked.filter((arg) => !SCENARIOS.some((scenario) => scenario.name === arg));
if (unknown.length > 0) {
  console.error(`unknown scenario or option: ${unknown.join(', ')}`);
  console.error(`usage: node bench/run.js [${SCENARIOS.map((s) => s.name).join(' | ')}]... [--quick] [--isolation=thread|process]`);
  process.exitCode = 1;
} else {
  await runScenarios(asked.length > 0 ? SCENARIOS.filter((s) => asked.includes(s.name)) : SCENARIOS);
}

async function runScenarios(scenarios) {
  const machine = describeMachine();
  console.log(`machine: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node} (${machine.platform})`);
  console.log(`nimbus: new Cloud(${cloudConfig ? JSON.stringify(cloudConfig) : ''})`);
  // Other processes' load skews every figure here, the CPU-bound ones most: show it.
  console.log(`load average: ${machine.loadAverage.map((load) => load.toFixed(2)).join(', ')} (1, 5, 15 min)`);
  if (quick) console.log('--quick: small sizes, to check that everything runs; the figures are not the real ones');

  // One timestamp for the whole run, so that its results files sort together.
  const timestamp = new Date().toISOString().replace(/[:.]/g, '-');
  await mkdir(RESULTS_DIR, { recursive: true });
  const targets = [];
  for (const scenario of scenarios) {
    console.log(`\n== ${scenario.name}: ${scenario.title}${quick ? ' (quick)' : ''}\n`);
    const started = performance.now();
    const result = await scenario.run({ quick, cloudConfig });
    const seconds = (performance.now() - started) / 1000;
    console.log(table(result.table.header, result.table.rows));
    for (const note of result.notes) console.log(`  ${note}`);
    const file = new URL(`${scenario.name}-${timestamp}.json`, RESULTS_DIR);
    const loadAverage = os.loadavg()[0];
    const record = { scenario: scenario.name, timestamp, quick, machine, cloudConfig: cloudConfig ?? {}, seconds, loadAverage, ...result };
    await writeFile(file, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`  (${seconds.toFixed(1)} s, load average ${loadAverage.toFixed(2)} at the end; results in bench/results/${scenario.name}-${timestamp}.json)`);
    targets.push(...result.targets);
  }

  console.log(`\n== summary: the performance targets${quick ? ' (quick sizes: indicative only)' : ''}\n`);
  console.log(
    table(
      ['target', 'measured', 'goal', 'verdict'],
      targets.map((t) => [t.what, t.measured, t.goal, t.met ? 'met' : 'MISSED']),
    ),
  );
}

function describeMachine() {
  return {
    cpu: os.cpus()[0]?.model ?? 'unknown CPU',
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: os.loadavg(),
  };
}
