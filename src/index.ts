/** nimbus: PiCloud's `cloud` for Node.js. The only public surface: re-exports and the default instance. */
import { createDefaultCloud } from './default-cloud.js';

export { Cloud } from './cloud.js';
export type { JobValue } from './result-types.js';
export type { StreamItem } from './job-stream.js';
export { CloudError, CloudException, CloudTimeoutError } from './errors.js';
export type { Jid, ResultOf } from './types/jid.js';
export type { JobInfo, JobInfoField } from './types/job-info.js';
export type { CloseOptions, CloudConfig, JobOptions, KillOptions, ListFilter, ReadyOptions, ResourceType, WaitOptions } from './types/job-options.js';
export type { ViewOptions } from './view-hooks.js';
export type { ReadySplit } from './ready-split.js';
export type { StatusChange } from './types/status-change.js';
export type { ErrorCode, JobFailureCode, RemoteErrorCode } from './error-codes.js';
export type { RemoteError } from './types/job-outcome.js';
export type { RuntimeLoad, WorkerLoad } from './types/job-service.js';
export { CloudFiles } from './files/cloud-files.js';
export { startWorker } from './redis/start-worker.js';
export type { NimbusWorker, WorkerOptions } from './types/worker-options.js';
export type { ByteRange, FileStat, FileStore, FilesConfig, S3FilesConfig } from './types/file-store.js';
export type { Dashboard, DashboardOptions } from './dashboard/server.js';
export type { CompleteStatus, JobStatus } from './types/job-status.js';

const cloud = createDefaultCloud();
export default cloud;
