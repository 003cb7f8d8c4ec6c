/** Adds unfinished jobs up into a RuntimeLoad: the one way load is counted, from a table or a store. */
import type { ResourceType } from '../types/job-options.js';
import type { RuntimeLoad } from '../types/job-service.js';
import type { JobStatus } from '../types/job-status.js';
import { computeUnitsOf } from '../types/resource-profiles.js';

export class LoadTally {
  readonly load: RuntimeLoad;

  constructor(totalComputeUnits: number) {
    this.load = { computeUnits: { used: 0, total: totalComputeUnits, byType: {} }, running: {}, queued: 0, waiting: 0 };
  }

  add(status: JobStatus, type: ResourceType, cores: number, count = 1): void {
    const load = this.load;
    if (status === 'queued') load.queued += count;
    else if (status === 'waiting') load.waiting += count;
    else if (status === 'processing') {
      const units = computeUnitsOf(type, cores) * count;
      load.running[type] = (load.running[type] ?? 0) + count;
      load.computeUnits.used += units;
      load.computeUnits.byType[type] = (load.computeUnits.byType[type] ?? 0) + units;
    }
  }
}
