/** Every `nimbus` command, in the order the help lists them, and the options every one of them takes. */
import type { CliOption, Command } from './command.js';
import { dashboardCommand } from './commands/dashboard.js';
import { FILES_COMMANDS } from './commands/files.js';
import { infoCommand } from './commands/info.js';
import { jobsCommand } from './commands/jobs.js';
import { killCommand } from './commands/kill.js';
import { resultCommand } from './commands/result.js';
import { statusCommand } from './commands/status.js';
import { workerCommand } from './commands/worker.js';

export const COMMANDS: readonly Command[] = [
  statusCommand,
  resultCommand,
  infoCommand,
  killCommand,
  jobsCommand,
  ...FILES_COMMANDS,
  dashboardCommand,
  workerCommand,
];

/** The first word of a command of several words: `files`. */
export const GROUPS: readonly string[] = [...new Set(COMMANDS.filter((command) => command.name.includes(' ')).map((command) => command.name.split(' ')[0]!))];

export const GLOBAL_OPTIONS: Readonly<Record<string, CliOption>> = {
  home: { type: 'string', value: 'dir', description: 'the job store to read (default $NIMBUS_HOME, else .nimbus in the working directory)' },
  json: { type: 'boolean', description: 'print JSON instead of text' },
  help: { type: 'boolean', short: 'h', description: 'show the help of the command' },
};
