/**
 * The instance `import cloud from 'nimbus'` gives: in the user's thread, a Cloud configured by
 * NIMBUS_* environment variables; inside a running job, the job's own client of the same runtime.
 */
import { workerData } from 'node:worker_threads';
import { Cloud } from './cloud.js';
import { jobCloud } from './job-cloud.js';
import { configFromEnvironment } from './options.js';
import { isNimbusWorkerData } from './runtime/worker-protocol.js';

export function createDefaultCloud(): Cloud {
  return isNimbusWorkerData(workerData) ? jobCloud() : new Cloud(configFromEnvironment(process.env));
}
