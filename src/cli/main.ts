#!/usr/bin/env node
/** The `nimbus` executable: the command line (run-cli.ts) wired to this process, and nothing else. */
import { runCli } from './run-cli.js';

// `nimbus jobs | head` closes the pipe early: the rest of the output has nowhere to go, which is fine.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
});

process.exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr });
