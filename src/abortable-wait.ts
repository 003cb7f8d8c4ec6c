/**
 * A wait that an AbortSignal ends: it rejects with the signal's reason when the signal aborts (at
 * once when it has already), as fetch does. Only the caller stops waiting: the jobs go on, and the
 * wait underneath settles when they complete, its outcome dropped.
 */
export function abortable<T>(pending: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return pending;
  return new Promise<T>((resolve, reject) => {
    // The signal's reason, whatever the user made it: what fetch and piscina reject with.
    // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the reason as the user gave it, as fetch rejects
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the wait's own rejection, passed on as it is
        reject(error);
      },
    );
  });
}
