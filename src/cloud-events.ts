/**
 * `cloud.events()`: every status change of a cloud's jobs as an async iterable of `{ jid, status,
 * at }`, what a UI subscribes to. The feed listens from the call of `events()` on (so the changes
 * of jobs started between that call and the loop are kept), buffers what the loop has not read
 * yet, and stops listening when the loop is left (break, return, throw). When its cloud closes,
 * the feed ends once the changes told so far are read (the kills the close made among them): a
 * loop reading it ends, rather than wait for ever on a runtime that is gone (or, on Redis, hold
 * the process for ever).
 */
import { errors } from './errors.js';
import type { JobRequests } from './types/job-service.js';
import type { StatusChange, StatusFeedSource } from './types/status-change.js';

/**
 * The feed's source: at once when the service has started, so that the feed listens from the
 * call of events() on, before a job submitted next is accepted. What fails rejects (the first
 * read), never throws.
 * @param inJob whether a running job asks: its service is across a channel (a proxy of comlink
 *   answers every name), which no feed crosses
 */
export function statusSourceOf(inJob: boolean, service: () => JobRequests | Promise<JobRequests>): StatusFeedSource | Promise<StatusFeedSource> {
  try {
    if (inJob) throw errors.notInJob('cloud.events()');
    const started = service();
    return started instanceof Promise ? started.then(feedSourceOf) : feedSourceOf(started);
  } catch (error) {
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- a CloudError, passed on as it was thrown
    return Promise.reject(error);
  }
}

function feedSourceOf(service: JobRequests & Partial<StatusFeedSource>): StatusFeedSource {
  if (!service.watchStatuses) throw errors.notInJob('cloud.events()');
  return { watchStatuses: service.watchStatuses.bind(service) };
}

/**
 * The changes told by `source` (from now on when it is at hand, else once it resolves), in order.
 * @param untilClose registers the function that ends the feed at its cloud's close; returns its unregistration
 */
export function statusEvents(
  source: StatusFeedSource | Promise<StatusFeedSource>,
  untilClose: (end: () => void) => () => void,
): AsyncGenerator<StatusChange, void, undefined> {
  const buffered: StatusChange[] = [];
  let wake: (() => void) | undefined;
  let stop: (() => void) | undefined;
  let stopped = false;
  let ended = false;
  const forget = untilClose(() => {
    ended = true;
    wake?.();
  });
  const listen = (feed: StatusFeedSource): void => {
    if (stopped) return;
    stop = feed.watchStatuses((change) => {
      buffered.push(change);
      wake?.();
    });
  };
  let listening: Promise<void> | undefined;
  if (source instanceof Promise) {
    listening = source.then(listen);
    // A source that fails rejects the first read, not the call of events().
    listening.catch(() => {});
  } else {
    listen(source);
  }
  async function* read(): AsyncGenerator<StatusChange, void, undefined> {
    try {
      if (listening) await listening;
      // `next` indexes `buffered`, which is cut only when read to the end: reading stays O(1) a change.
      let next = 0;
      for (;;) {
        while (next < buffered.length) yield buffered[next++]!;
        buffered.length = next = 0;
        if (ended) return;
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      stopped = true;
      stop?.();
      forget();
    }
  }
  const reader = read();
  // An AsyncGenerator's finally runs only once it has started: a feed left before its first read stops too.
  const leave = reader.return.bind(reader);
  reader.return = (value) => {
    stopped = true;
    stop?.();
    forget();
    return leave(value);
  };
  return reader;
}
