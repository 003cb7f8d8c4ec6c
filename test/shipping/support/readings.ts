/**
 * What a job of test/fixtures/shipping/captured-data.mjs returns: the element it read, the worker
 * it ran on, and that worker's data-cache counters then (worker-functions.ts publishes them).
 */
import type { DataCacheStats } from '../../../src/worker/worker-functions.js';

export type Stats = DataCacheStats;

export interface Reading {
  value: number;
  worker: string;
  stats: Stats;
}
