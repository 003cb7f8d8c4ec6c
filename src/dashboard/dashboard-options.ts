/**
 * The dashboard's options, checked where they enter: which address and port it listens on, and
 * the token every request must carry. Off this machine's loopback, a token is not optional.
 */
import { errors } from '../errors.js';
import { dashboardErrors } from './dashboard-errors.js';

export const DEFAULT_DASHBOARD_PORT = 8765;
export const DEFAULT_DASHBOARD_HOST = '127.0.0.1';
const MIN_TOKEN_LENGTH = 16; // characters: a token that short is out of reach of guessing over HTTP
const MAX_PORT = 65_535;

export interface DashboardOptions {
  /** Default 8765; 0 takes any free port (the returned url tells which). */
  port?: number;
  /** The address to listen on; default 127.0.0.1. Any address other than the loopback needs `token`. */
  host?: string;
  /** Asked of every request, as `?token=` or an `Authorization: Bearer` header. */
  token?: string;
}

export interface DashboardSettings {
  port: number;
  host: string;
  token: string | undefined;
}

const KNOWN = ['port', 'host', 'token'];

export function checkDashboardOptions(options: unknown): DashboardSettings {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw errors.badOption('dashboard options', options, 'an object');
  for (const key of Object.keys(options)) if (!KNOWN.includes(key)) throw errors.unknownOption('dashboard options', key, KNOWN);
  const { port = DEFAULT_DASHBOARD_PORT, host = DEFAULT_DASHBOARD_HOST, token } = options as DashboardOptions;
  if (!Number.isInteger(port) || port < 0 || port > MAX_PORT) throw errors.badOption('dashboard port', port, `an integer from 0 to ${MAX_PORT}`);
  if (typeof host !== 'string' || host === '') throw errors.badOption('dashboard host', host, 'an address such as 127.0.0.1 or 0.0.0.0');
  if (token !== undefined && (typeof token !== 'string' || token.length < MIN_TOKEN_LENGTH)) {
    throw dashboardErrors.badToken(token, MIN_TOKEN_LENGTH);
  }
  if (token === undefined && !isLoopback(host)) throw dashboardErrors.tokenRequired(host, MIN_TOKEN_LENGTH);
  return { port, host, token };
}

/** Addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
