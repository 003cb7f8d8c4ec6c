/** A worker's job clock as a specification: derived end times stay between their start and Date.now. */
import { describe, expect, it } from 'vitest';
import { interrupted, jobEnded, jobStarting, lastReading } from '../../../src/worker/job-clock.js';

describe('job clock', () => {
  it('gives each job a start and end within the epoch clock, and a follower its predecessor end', () => {
    interrupted();
    const before = Date.now();
    let started = jobStarting();
    expect(started).toBeGreaterThanOrEqual(before);
    for (let job = 0; job < 10_000; job++) {
      const atStart = lastReading();
      const finished = jobEnded();
      const after = Date.now();
      // Whole milliseconds, as Date.now gives, never ahead of it nor behind the start.
      expect(Number.isInteger(finished)).toBe(true);
      expect(finished).toBeGreaterThanOrEqual(started);
      expect(finished).toBeLessThanOrEqual(after);
      expect(lastReading()).toBeGreaterThanOrEqual(atStart);
      const next = jobStarting();
      // Nothing ran between: the next job starts at this one's end reading.
      expect(next).toBe(finished);
      started = next;
    }
  });

  it('reads the epoch clock again for a start after other code ran', () => {
    jobStarting();
    jobEnded();
    interrupted();
    const before = Date.now();
    expect(jobStarting()).toBeGreaterThanOrEqual(before);
  });
});
