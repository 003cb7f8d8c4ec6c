/**
 * Two ways to run the nimbus command line in a test: in this process (runCli, with a cloud the
 * test holds), or spawned as a user runs it (node dist/cli/main.js), each giving the exit code
 * and what was printed.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Cloud } from '@nimbus-js/nimbus';
import { runCli, type CliCloud, type CliIo } from '../../../dist/cli/run-cli.js';

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

const MAIN = fileURLToPath(new URL('../../../dist/cli/main.js', import.meta.url));

/** runCli on `cloud` (which stays open), with streams that keep what is written. */
export async function nimbusIn(cloud: Cloud | CliCloud | undefined, argv: string[], io: Partial<CliIo> = {}): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, {
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    // A Cloud is a CliCloud once it has `files` (issue 7, being wired).
    ...(cloud ? { cloud: cloud } : {}),
    ...io,
  });
  return { code, stdout, stderr };
}

/** `nimbus ...args` in a child process, as from a shell, with NIMBUS_HOME unset unless given. */
export function nimbusSpawned(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Ran> {
  const env = { ...process.env, NIMBUS_HOME: '', ...options.env };
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd: options.cwd, env, timeout: 30_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
