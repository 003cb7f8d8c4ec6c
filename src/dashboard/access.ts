/**
 * Who may read the dashboard. With a token, every request must carry it (`?token=`, or an
 * `Authorization: Bearer` header), compared in constant time. Without one (loopback only), the
 * Host header must name the loopback, so that a web page elsewhere cannot reach the dashboard
 * through a name it made resolve to 127.0.0.1 (DNS rebinding).
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOST = /^(localhost|127(\.\d{1,3}){3}|\[::1\])(:\d+)?$/;

export interface Refusal {
  status: 401 | 403;
  message: string;
}

/** Undefined when the request may be answered, else the status and why. */
export function refusal(request: IncomingMessage, url: URL, token: string | undefined): Refusal | undefined {
  if (token === undefined) {
    if (LOOPBACK_HOST.test(request.headers.host ?? '')) return undefined;
    return { status: 403, message: 'this dashboard answers only to a loopback host name (127.0.0.1, localhost)' };
  }
  const given = url.searchParams.get('token') ?? bearerToken(request.headers.authorization);
  if (given === undefined) return { status: 401, message: 'a token is required: add ?token=... to the address' };
  return sameSecret(given, token) ? undefined : { status: 403, message: 'wrong token' };
}

function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1];
}

/** Digests first: equal lengths for timingSafeEqual, and the time tells nothing of the length. */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/**
 * Undefined when a write (POST) may go on, else why not. Beside the rule above: a page of another
 * site can make a browser POST to the loopback (a form needs no script), and the browser then
 * names that site in Origin. A write is taken from our own page (Origin names the Host asked) or
 * from a program, which sends no Origin.
 */
export function writeRefusal(request: IncomingMessage): Refusal | undefined {
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  let host: string | undefined;
  try {
    host = new URL(origin).host;
  } catch {
    host = undefined;
  }
  if (host !== undefined && host === request.headers.host) return undefined;
  return { status: 403, message: "a job is killed or deleted only from the dashboard's own page" };
}
