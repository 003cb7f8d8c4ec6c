/** iresult reads a big map in a few waits, each covering a window of the jobs ahead, not one wait per job. */
import { Cloud } from '@nimbus-js/nimbus';
import { describe, expect, it } from 'vitest';
import { createLocalBackend } from '../../dist/local/local-backend.js';
import type { CloudBackend } from '../../dist/cloud.js';
import type { JobRequests } from '../../dist/types/job-service.js';

/** A cloud of the real local backend whose service counts the waits asked of it. */
function countingCloud(): { cloud: Cloud; waits: () => number } {
  let waits = 0;
  const cloud = new Cloud({ cores: 2, isolation: 'thread' }, (self, config) => {
    const real: CloudBackend = createLocalBackend(self, config);
    const counted = async (): Promise<JobRequests> => {
      const service = await real.service();
      return new Proxy(service, {
        get: (target, key) => {
          if (key === 'wait')
            return (...args: Parameters<JobRequests['wait']>) => {
              waits++;
              return target.wait(...args);
            };
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
        },
      });
    };
    return {
      files: real.files,
      get isSimulator() {
        return real.isSimulator;
      },
      service: counted,
      startSimulator: () => real.startSimulator(),
      close: () => real.close(),
    };
  });
  return { cloud, waits: () => waits };
}

describe('iresult over a big map', () => {
  it('yields 20,000 results in order with a few dozen waits', async () => {
    const { cloud, waits } = countingCloud();
    try {
      const jids = await cloud.map(
        (x: number) => x * 2,
        Array.from({ length: 20_000 }, (_, i) => i),
      );
      await cloud.join(jids);
      const before = waits();
      // One comparison of everything yielded, not 20,000 expect calls: the same check, in order.
      const values: unknown[] = [];
      for await (const value of cloud.iresult(jids)) values.push(value);
      expect(values).toEqual(Array.from({ length: 20_000 }, (_, i) => i * 2));
      expect(waits() - before).toBeLessThanOrEqual(10);
    } finally {
      await cloud.close();
    }
  });
});
