/**
 * The dashboard's options, checked where they enter: which address and port it listens on, and
 * the token every request must carry. Off this machine's loopback, a token is not optional.
 */
import { errors } from '../errors.js';
import { integerFrom, must, readOptions, type Check, type CheckTable } from '../option-reading.js';

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

const token: Check = (value) => {
  if (typeof value !== 'string' || value.length < MIN_TOKEN_LENGTH) throw errors.badToken(value, MIN_TOKEN_LENGTH);
  return value;
};

const DASHBOARD_OPTIONS: CheckTable = {
  port: integerFrom(0, MAX_PORT),
  host: must((value) => typeof value === 'string' && value !== '', 'an address such as 127.0.0.1 or 0.0.0.0'),
  token,
};

export function checkDashboardOptions(options: unknown): DashboardSettings {
  const checked = readOptions<DashboardOptions>(DASHBOARD_OPTIONS, options, 'dashboard options', { name: (key) => `dashboard ${key}` });
  const { port = DEFAULT_DASHBOARD_PORT, host = DEFAULT_DASHBOARD_HOST, token } = checked;
  if (token === undefined && !isLoopback(host)) throw errors.tokenRequired(host, MIN_TOKEN_LENGTH);
  return { port, host, token };
}

/** Addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}
