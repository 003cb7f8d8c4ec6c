/** The two modes every behaviour is specified in, and a fresh cloud per suite. */
import { Cloud, type CloudConfig } from 'nimbus';

export type Mode = 'pool' | 'simulator';
export const MODES: Mode[] = ['pool', 'simulator'];

export function makeCloud(mode: Mode, config: CloudConfig = {}): Cloud {
  return new Cloud({ cores: 2, ...config, simulator: mode === 'simulator' });
}

/** A job that never ends by itself: it holds its slot until it is killed. */
export const hang = (): Promise<never> => new Promise(() => {});

/** A job body that records when it ran, comparable across threads (a monotonic clock). */
export const stamp = (): bigint => process.hrtime.bigint();
