/** The statuses a job moves through, as PiCloud named them. Contracts only: no logic here. */
export type JobStatus =
  | 'queued' // ready, waiting for a slot
  | 'processing' // running on a worker (or dispatched to one in a batch)
  | 'waiting' // dependencies not done yet
  | 'done'
  | 'error'
  | 'killed'
  | 'stalled'; // a dependency failed, so the job will never run

/** The statuses that never change again. */
export type CompleteStatus = 'done' | 'error' | 'killed' | 'stalled';

export const JOB_STATUSES: readonly JobStatus[] = ['queued', 'processing', 'waiting', 'done', 'error', 'killed', 'stalled'];

export function isComplete(status: JobStatus): status is CompleteStatus {
  return status === 'done' || status === 'error' || status === 'killed' || status === 'stalled';
}
