/**
 * The instance `import cloud from '@nimbus-js/nimbus'` gives: in the user's own process, a Cloud configured
 * by NIMBUS_* environment variables; inside a running job, the job's own client of the same
 * runtime (the worker's entry made it before any job's code could import nimbus).
 */
import { Cloud } from './cloud.js';
import { isJobWorker } from './worker/job-cloud.js';
import { jobClient } from './worker/job-client.js';
import { configFromEnvironment } from './options.js';

export function createDefaultCloud(): Cloud {
  return isJobWorker() ? jobClient() : new Cloud(configFromEnvironment(process.env));
}
