#!/usr/bin/env node
/**
 * The `nimbus` command. Reserved: its commands (status, result, info, kill, jobs, files,
 * dashboard) read the durable job store, which does not exist yet; until then it says so.
 */
const USAGE = `nimbus: the command line arrives with the durable job store (NIMBUS_HOME).
Until then, use the library: import cloud from 'nimbus'.`;

process.stderr.write(`${USAGE}\n`);
process.exitCode = process.argv.includes('--help') ? 0 : 2;
