/** The help texts, made from the command table: the list of commands, a group's, one command's. */
import type { CliOption, Command } from './command.js';
import { COMMANDS, GLOBAL_OPTIONS } from './commands.js';
import { renderTable } from './table.js';

const EXIT_CODES = `exit codes:
  0  done as asked
  1  a job failed: result of a job that ended error, killed or stalled; status --check of one
  2  usage: an unknown command or option, a bad value, an unknown jid or file name
  3  result --timeout passed before the job was complete (the job goes on)
  4  something else went wrong (see stderr)`;

export function mainHelp(): string {
  return `nimbus: the jobs and files of a nimbus home or of a cluster on Redis, from the shell; and its workers.

usage: nimbus <command> [options]

commands:
${listCommands(COMMANDS)}

options of every command:
${listOptions(GLOBAL_OPTIONS)}

${EXIT_CODES}

'nimbus <command> --help' tells more of one command.`;
}

/** The commands under a first word, such as `files`. */
export function groupHelp(group: string): string {
  return `usage: nimbus ${group} <command> [options]

commands:
${listCommands(COMMANDS.filter((command) => command.name.startsWith(`${group} `)))}`;
}

export function commandHelp(command: Command): string {
  return `${usageLine(command)}

${command.description}

options:
${listOptions({ ...command.options, ...GLOBAL_OPTIONS })}`;
}

export function usageLine(command: Command): string {
  return `usage: nimbus ${command.name}${command.operands ? ` ${command.operands}` : ''} [options]`;
}

function listCommands(commands: readonly Command[]): string {
  return indent(renderTable(commands.map((command) => [`${command.name} ${command.operands}`.trim(), command.summary])));
}

function listOptions(options: Readonly<Record<string, CliOption>>): string {
  return indent(
    renderTable(
      Object.entries(options).map(([name, option]) => {
        const flag = `${option.short ? `-${option.short}, ` : ''}--${name}${option.value ? ` <${option.value}>` : ''}`;
        return [flag, option.description];
      }),
    ),
  );
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
