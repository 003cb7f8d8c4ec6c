/** The two modes every behaviour is specified in, and a fresh cloud per suite. */
import { Cloud, type CloudConfig } from 'nimbus';

/** Worker processes (the default), worker threads, and the in-thread simulator. */
export type Mode = 'process' | 'thread' | 'simulator';
export const MODES: Mode[] = ['process', 'thread', 'simulator'];
/** The modes that run jobs on workers, which can stop code that never yields. */
export const WORKER_MODES: Mode[] = ['process', 'thread'];

export function makeCloud(mode: Mode, config: CloudConfig = {}): Cloud {
  return mode === 'simulator' ? new Cloud({ cores: 2, ...config, simulator: true }) : new Cloud({ cores: 2, ...config, isolation: mode });
}

/** A job that never ends by itself: it holds its slot until it is killed. */
export const hang = (): Promise<never> => new Promise(() => {});

/** A job body that records when it ran, comparable across threads (a monotonic clock). */
export const stamp = (): bigint => process.hrtime.bigint();
