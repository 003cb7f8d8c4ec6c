/**
 * The live load as server-sent events: every page that listens gets the cloud's load at once, then
 * every LOAD_INTERVAL_MS. One timer serves every listener; it runs only while one listens, and
 * close() ends it and every stream, so a closed dashboard leaves nothing running.
 */
import type { ServerResponse } from 'node:http';
import type { DashboardCloud } from './dashboard-cloud.js';

const LOAD_INTERVAL_MS = 1000;

export class LoadFeed {
  readonly #cloud: DashboardCloud;
  readonly #listeners = new Set<ServerResponse>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(cloud: DashboardCloud) {
    this.#cloud = cloud;
  }

  /** Streams the load to `response` until the page goes away or the feed closes. */
  listen(response: ServerResponse): void {
    response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
    this.#listeners.add(response);
    response.on('close', () => {
      this.#listeners.delete(response);
      if (this.#listeners.size === 0) this.#stop();
    });
    void this.#send([response]);
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.#send([...this.#listeners]), LOAD_INTERVAL_MS);
    // The server decides whether the dashboard keeps its process alive, never this timer.
    this.#timer.unref();
  }

  close(): void {
    this.#closed = true;
    this.#stop();
    for (const response of this.#listeners) response.end();
    this.#listeners.clear();
  }

  #stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #send(to: ServerResponse[]): Promise<void> {
    let event: string;
    try {
      event = `event: load\ndata: ${JSON.stringify(await this.#cloud.load())}\n\n`;
    } catch (error) {
      event = `event: failure\ndata: ${JSON.stringify({ error: (error as Error).message })}\n\n`;
    }
    if (this.#closed) return;
    for (const response of to) if (!response.writableEnded) response.write(event);
  }
}
