/** What crosses between a generator job's yields and `cloud.stream`: chunks of packed values, then the end. */
import type { Packed } from './job-outcome.js';
import type { JobResult } from './job-service.js';

/** A stream reader's next chunk: the values a job yielded from the index asked on. */
export interface StreamChunk {
  values: Packed[];
  /** Set once the job is complete: `values` then holds every value left (or `rest` does). */
  end?: StreamEnd;
}

export interface StreamEnd {
  /** How the job ended; a failed job's stream throws its CloudException after its values. */
  result: JobResult;
  /**
   * Whether the job's function was a generator: false ends its stream with ERR_NOT_GENERATOR;
   * undefined when not known (a job of another process's home): a result that is an array is
   * read as a generator's yields.
   */
  generator: boolean | undefined;
  /**
   * True when the values left are the items of the result's array from the index asked on (the
   * runtime keeps one copy of a generator's values once it is done: its result).
   */
  rest: boolean;
}
