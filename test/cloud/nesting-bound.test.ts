/**
 * Jobs that wait on their children lend their slot out, but each keeps its worker: the number of
 * workers alive at once must stay bounded however wide or deep the nesting (README: Limits).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MODES, makeCloud } from '../support/clouds.js';

declare const cloud: import('@nimbus-js/nimbus').Cloud;

/** When a job held a worker: from its first line to its last, on a clock every process shares. */
type Span = [start: bigint, end: bigint];

const SLOTS = 5; // cores: 2 offers 5 compute units, one per c1 job
const MAX_PARKED_JOBS = 16;

/** The most spans that overlap at one instant: the workers held at once. */
function mostAtOnce(spans: Span[]): number {
  const edges = spans.flatMap(
    ([start, end]) =>
      [
        [start, 1],
        [end, -1],
      ] as const,
  );
  edges.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]));
  let now = 0;
  let most = 0;
  for (const [, step] of edges) most = Math.max(most, (now += step));
  return most;
}

/** A job that maps `widths[0]` children, each of which does the same with the rest: it returns every span of its tree. */
async function tree(widths: number[]): Promise<Span[]> {
  const start = process.hrtime.bigint();
  const [width, ...rest] = widths;
  const spans: Span[] = [];
  if (width !== undefined) {
    const children = await cloud.map(
      tree,
      Array.from({ length: width }, () => rest),
    );
    for (const childSpans of await cloud.result(children)) spans.push(...childSpans);
  }
  spans.push([start, process.hrtime.bigint()]);
  return spans;
}

describe.each(MODES)('nesting keeps the workers bounded (%s)', (mode) => {
  const runtime = makeCloud(mode, { cores: 2 });
  afterAll(() => runtime.close());

  it('a parent of 30 children of 30 each holds at most the slots plus the parked bound at once', async () => {
    const spans = await runtime.result(await runtime.call(tree, [30, 30]));
    expect(spans).toHaveLength(1 + 30 + 900);
    expect(mostAtOnce(spans)).toBeLessThanOrEqual(SLOTS + MAX_PARKED_JOBS);
  }, 120_000);

  it('8 x 8 x 8 nesting holds at most the slots plus the parked bound at once', async () => {
    const spans = await runtime.result(await runtime.call(tree, [8, 8, 8]));
    expect(spans).toHaveLength(1 + 8 + 64 + 512);
    expect(mostAtOnce(spans)).toBeLessThanOrEqual(SLOTS + MAX_PARKED_JOBS);
  }, 120_000);

  it('a chain deeper than the parked bound still finishes: each level is one more waiting job', async () => {
    const depth = MAX_PARKED_JOBS + 8;
    const spans = await runtime.result(
      await runtime.call(
        tree,
        Array.from({ length: depth }, () => 1),
      ),
    );
    expect(spans).toHaveLength(depth + 1);
  }, 120_000);
});
