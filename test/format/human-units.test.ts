import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatTimestamp } from '../../src/format/human-units.js';

describe('human units', () => {
  it('durations: milliseconds, seconds, minutes, hours', () => {
    expect([0, 850, 1250, 42_500, 185_000, 7_620_000].map(formatDuration)).toEqual(['0 ms', '850 ms', '1.25 s', '42.5 s', '3 min 5 s', '2 h 7 min']);
    expect(formatDuration(undefined)).toBe('-');
  });

  it('sizes in units of 1024, as memory limits are', () => {
    expect([512, 1536, 24.1 * 1024 ** 2, 3.75 * 1024 ** 3].map(formatBytes)).toEqual(['512 B', '1.50 KB', '24.1 MB', '3.75 GB']);
    expect(formatBytes(undefined)).toBe('-');
  });

  it('times in local time, to the second', () => {
    expect(formatTimestamp(new Date(2026, 10, 5, 7, 8, 9).getTime())).toBe('2026-11-05 07:08:09');
    expect(formatTimestamp(undefined)).toBe('-');
  });
});
