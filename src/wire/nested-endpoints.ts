/**
 * The endpoints a job's channel travels over, as comlink wants them (nested-channel.ts): a
 * MessagePort for worker threads, the tagged nested messages of the data channel for child
 * processes (process-protocol.ts, DATA_FD). Apart from comlink itself, so that a worker's entry makes its endpoint without
 * loading comlink (only its node adapter, a file that imports nothing): the job's side loads
 * comlink at the first request (worker/job-service.ts).
 */
import type { Endpoint } from 'comlink';
// comlink's node adapter is a file of its own: it loads nothing of comlink (comlink-esm.d.ts).
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { MessagePort } from 'node:worker_threads';

/** A MessagePort as a comlink endpoint that never keeps its process alive by itself. */
export function portEndpoint(port: MessagePort): Endpoint {
  const endpoint = nodeEndpoint(port);
  const addEventListener = endpoint.addEventListener.bind(endpoint);
  endpoint.addEventListener = (type, listener) => {
    addEventListener(type, listener);
    // Listening refs the port; running jobs keep the process alive, the channel must not.
    port.unref();
  };
  return endpoint;
}

/** The nested messages of a process's data channel, shared with other traffic, told apart by a tag. */
export interface TaggedChannel {
  send(message: { nested: unknown }): void;
  onNested(listener: (data: unknown) => void): void;
}

type Listener = Parameters<Endpoint['addEventListener']>[1];

export function channelEndpoint(channel: TaggedChannel): Endpoint {
  const listeners = new Set<Listener>();
  channel.onNested((data) => {
    for (const listener of listeners) deliver(listener, data);
  });
  return {
    postMessage: (message: unknown) => channel.send({ nested: message }),
    addEventListener: (_type: string, listener: Listener) => void listeners.add(listener),
    removeEventListener: (_type: string, listener: Listener) => void listeners.delete(listener),
  };
}

/** Hands `data` to a listener as a message event, whichever form the listener has. */
function deliver(listener: Listener, data: unknown): void {
  const event = { data } as never;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-call -- a function of the user's, whatever its type
  if (typeof listener === 'function') listener(event);
  // eslint-disable-next-line @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-member-access -- a function of the user's, whatever its type; a value of the user's, whatever its type
  else listener.handleEvent(event);
}
