/**
 * Every message the dashboard can raise when it starts, in one table (to merge into src/errors.ts
 * when it suits). A bad option reads as every option of nimbus does (errors.badOption).
 */
import { CloudError, show } from '../errors.js';

export const dashboardErrors = {
  tokenRequired: (host: string, minLength: number) =>
    new CloudError(`the dashboard listens on ${host}, beyond this machine: give it a token of ${minLength} characters or more, which every request must carry`),
  // The token is a secret: the message tells its length, never its text.
  badToken: (token: unknown, minLength: number) =>
    new CloudError(`the dashboard token must be a string of ${minLength} characters or more, got ${typeof token === 'string' ? `${token.length} characters` : show(token)}`),
  listenFailed: (host: string, port: number, cause: unknown) =>
    new CloudError(`the dashboard cannot listen on ${host}:${port}: ${(cause as Error).message ?? String(cause)}${(cause as NodeJS.ErrnoException).code === 'EADDRINUSE' ? ' (another server holds that port: pick another, or 0 for any free one)' : ''}`, { cause }),
};
