import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const HOST = fileURLToPath(new URL('../fixtures/boundary/chaos-host.mjs', import.meta.url));
const JOBS = 2_000;
const SEED = 20261201;

interface Outcome {
  i: number;
  jid: number;
  status: string;
  restartable: boolean;
  killedByUs: boolean;
  value: number | undefined;
  error: string | undefined;
}

interface ChaosReport {
  outcomes: Outcome[];
  signalsSent: number;
  workerPids: number[];
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function untilGone(pids: number[], deadlineMs: number): Promise<number[]> {
  const deadline = Date.now() + deadlineMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/** What a job may legitimately have ended as, given what was done to it. */
function verdict(outcome: Outcome, mode: string): string | undefined {
  const { status, value, i } = outcome;
  if (status === 'done') return value === i * 2 ? undefined : `done with ${value}, not ${i * 2}`;
  if (status === 'killed') return outcome.killedByUs ? undefined : 'killed though nobody killed it';
  // Only a job whose own worker was SIGKILLed under it may fail, and only when not restartable.
  const ownCrash = mode === 'process' && !outcome.restartable && /worker exited \(signal SIGKILL\)/.test(outcome.error ?? '');
  return ownCrash ? undefined : `${status}: ${outcome.error}`;
}

describe.each(['process', 'thread'])('chaos in %s mode', (mode) => {
  it(`${JOBS} jobs under random SIGKILLs, kills and leftover timers: each ends with its own value or its own error, and nothing is left`, async () => {
    const { stdout } = await run(process.execPath, [HOST, mode, String(SEED), String(JOBS)], { timeout: 180_000, maxBuffer: 64 << 20 });
    const report = JSON.parse(stdout.trim().split('\n').at(-1)!) as ChaosReport;

    expect(report.outcomes).toHaveLength(JOBS);
    const wrong = report.outcomes.map((outcome) => [outcome.jid, verdict(outcome, mode)]).filter(([, why]) => why !== undefined);
    expect(wrong).toEqual([]);
    // Each signal can take down at most the one job its worker was running.
    const crashed = report.outcomes.filter((outcome) => outcome.status === 'error').length;
    expect(crashed).toBeLessThanOrEqual(report.signalsSent);
    // The chaos happened: jobs were killed, and in process mode workers were.
    expect(report.outcomes.some((outcome) => outcome.status === 'killed')).toBe(true);
    if (mode === 'process') expect(report.signalsSent).toBeGreaterThan(0);
    expect(await untilGone(report.workerPids, 15_000)).toEqual([]);
  }, 240_000);
});
