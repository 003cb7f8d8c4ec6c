/**
 * The web dashboard: one node:http server for the page, its scripts, a JSON API over a cloud's
 * public methods (GET reads; POST kills or deletes a job), and the live load as server-sent
 * events. It listens on 127.0.0.1 unless told otherwise; any other address needs a token, which
 * every request must then carry. close() ends every stream and connection: nothing of it stays
 * running.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CloudError, errors } from '../errors.js';
import type { ErrorCode } from '../error-codes.js';
import { refusal, writeRefusal } from './access.js';
import { answerRead, answerWrite, isWritePath } from './dashboard-api.js';
import type { DashboardCloud } from './dashboard-cloud.js';
import { checkDashboardOptions, type DashboardOptions } from './dashboard-options.js';
import { LoadFeed } from './load-feed.js';
import { loadAssets, type Asset } from './static-assets.js';

export type { DashboardOptions } from './dashboard-options.js';

export interface Dashboard {
  /** Where to open it, with `?token=` when it has one. */
  readonly url: string;
  /** Stops serving: ends the live streams and closes every connection. */
  close(): Promise<void>;
}

// Every answer: nothing cached (the token may be in the address), nothing run but our own script,
// and no address (with its token) handed to another site.
const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'self'; connect-src 'self'; img-src 'self' data:",
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
};

/** How the dashboard lives beside its process: not options a user gives, but what its caller is. */
export interface DashboardLife {
  /**
   * True (the CLI): the server keeps the process running. False (`cloud.dashboard()` in a
   * script): neither the server nor an open page does, so the script ends when its work does.
   */
  holdsProcess: boolean;
}

export async function startDashboard(cloud: DashboardCloud, options: DashboardOptions = {}, life: DashboardLife = { holdsProcess: true }): Promise<Dashboard> {
  const settings = checkDashboardOptions(options);
  const assets = await loadAssets();
  const feed = new LoadFeed(cloud);
  const tokenQuery = settings.token === undefined ? '' : `?token=${encodeQueryValue(settings.token)}`;
  const server = createServer((request, response) => {
    respond(request, response).catch((error: unknown) => sendJson(response, 500, { error: String(error) }));
  });

  async function respond(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://dashboard');
    const refused = refusal(request, url, settings.token);
    if (refused) return sendJson(response, refused.status, { error: refused.message });
    if (isWritePath(url.pathname)) {
      if (request.method !== 'POST') return sendJson(response, 405, { error: 'a job is killed or deleted by POST' });
      const refusedWrite = writeRefusal(request);
      if (refusedWrite) return sendJson(response, refusedWrite.status, { error: refusedWrite.message });
      return sendApiAnswer(() => answerWrite(cloud, url.pathname), url, response);
    }
    if (request.method !== 'GET') return sendJson(response, 405, { error: 'here the dashboard only reads: GET' });
    if (url.pathname === '/api/events') return feed.listen(response);
    if (url.pathname.startsWith('/api/')) return sendApiAnswer(() => answerRead(cloud, url.pathname, url.searchParams), url, response);
    const asset = assets.get(url.pathname);
    if (!asset) return sendJson(response, 404, { error: `no page at ${url.pathname}` });
    sendAsset(response, asset, tokenQuery);
  }

  if (!life.holdsProcess) server.on('connection', (socket) => socket.unref());
  await listen(server, settings.port, settings.host);
  if (!life.holdsProcess) server.unref();
  const { port } = server.address() as AddressInfo;
  const host = settings.host.includes(':') ? `[${settings.host}]` : settings.host;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}/${tokenQuery}`,
    close: () => (closing ??= stop(server, feed)),
  };
}

/** An error a user can cause, as the HTTP status that says it: a jid nobody has is a page that is not there. */
const STATUS_OF_CODE: Readonly<Partial<Record<ErrorCode, number>>> = { ERR_UNKNOWN_JID: 404, ERR_NOT_COMPLETE: 409 };

async function sendApiAnswer(answerOf: () => Promise<unknown>, url: URL, response: ServerResponse): Promise<void> {
  let answer: unknown;
  try {
    answer = await answerOf();
  } catch (error) {
    if (!(error instanceof CloudError)) throw error;
    return sendJson(response, STATUS_OF_CODE[error.code] ?? 400, { error: error.message, code: error.code });
  }
  if (answer === undefined) return sendJson(response, 404, { error: `no API at ${url.pathname}` });
  sendJson(response, 200, answer);
}

function sendAsset(response: ServerResponse, asset: Asset, query: string): void {
  response.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.type });
  response.end(asset.body(query));
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (response.headersSent) {
    response.destroy();
    return;
  }
  response.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(body));
}

/** A value in an address, safe in HTML attributes and script strings too: only letters, digits and %XX. */
function encodeQueryValue(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*~]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error) => reject(errors.listenFailed(host, port, error)));
    server.listen(port, host, () => resolve());
  });
}

function stop(server: Server, feed: LoadFeed): Promise<void> {
  feed.close();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
