/**
 * Which job store the command line reads (--home, else NIMBUS_HOME, else .nimbus in the working
 * directory), and whether a command opens it only to read.
 */
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const DEFAULT_HOME = '.nimbus';
/** The file a home keeps its jobs in (README: Jobs that outlive the process). */
export const HOME_DATABASE = 'jobs.sqlite';

export function resolveHome(option: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  return resolve(cwd, option ?? (env.NIMBUS_HOME || DEFAULT_HOME));
}

/** Commands that only read jobs: they open the store read-only, so they never write (nor recover a dead runtime's jobs). */
const READING_COMMANDS: ReadonlySet<string> = new Set(['status', 'result', 'info', 'jobs']);

/** True when the home has a job store: a Cloud kept its jobs there. */
export function holdsJobStore(home: string): boolean {
  return existsSync(join(home, HOME_DATABASE));
}

/** True when `command` should open the home read-only: it only reads, and there is a store to read. */
export function opensReadOnly(command: string, home: string): boolean {
  return READING_COMMANDS.has(command) && holdsJobStore(home);
}
