/** Which job store the command line reads: --home, else NIMBUS_HOME, else .nimbus in the working directory. */
import { resolve } from 'node:path';

export const DEFAULT_HOME = '.nimbus';

export function resolveHome(option: string | undefined, env: Readonly<Record<string, string | undefined>>, cwd: string): string {
  return resolve(cwd, option ?? (env.NIMBUS_HOME || DEFAULT_HOME));
}
