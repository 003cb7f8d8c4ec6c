/**
 * Reads `nimbus <command> [options] [operands]` (node:util parseArgs, strict): which command, its
 * option values and operands, or the help asked for. Anything it cannot read is a UsageError that
 * carries the usage to show; it never runs anything.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import type { CliOption, Command, OptionValues } from './command.js';
import { COMMANDS, GLOBAL_OPTIONS, GROUPS } from './commands.js';
import { commandHelp, groupHelp, mainHelp, usageLine } from './help.js';
import { UsageError } from './usage-error.js';

export type Invocation = { kind: 'help'; text: string } | { kind: 'run'; command: Command; values: OptionValues; positionals: string[] };

const HELP_FLAGS = ['-h', '--help'];
const SEE_HELP = "'nimbus --help' lists the commands.";

export function parseCommandLine(argv: readonly string[]): Invocation {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('no command given', mainHelp());
  if (HELP_FLAGS.includes(first)) return { kind: 'help', text: mainHelp() };
  if (first === 'help') return rest.length === 0 ? { kind: 'help', text: mainHelp() } : helpOf(rest);
  const found = findCommand(first, rest);
  if ('help' in found) return { kind: 'help', text: found.help };
  const { command, operands } = found;
  let parsed: { values: OptionValues; positionals: string[] };
  try {
    parsed = parseArgs({ args: operands, options: parseArgsOptions({ ...command.options, ...GLOBAL_OPTIONS }), allowPositionals: true, strict: true });
  } catch (error) {
    throw new UsageError((error as Error).message, usageLine(command));
  }
  if (parsed.values.help) return { kind: 'help', text: commandHelp(command) };
  const count = parsed.positionals.length;
  const { min, max = Infinity } = command.arity;
  if (count < min || count > max) {
    const wanted = min === max ? (min === 1 ? '1 operand' : `${min} operands`) : max === Infinity ? `${min} or more operands` : `${min} to ${max} operands`;
    throw new UsageError(`${command.name} takes ${wanted} (${command.operands || 'none'}), got ${count}`, usageLine(command));
  }
  return { kind: 'run', command, values: parsed.values, positionals: parsed.positionals };
}

/** `files ls ...`: the command of a group takes its second word; `files --help` is the group's help. */
function findCommand(first: string, rest: readonly string[]): { command: Command; operands: string[] } | { help: string } {
  const grouped = GROUPS.includes(first);
  const name = grouped ? `${first} ${rest[0] ?? ''}` : first;
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (command) return { command, operands: rest.slice(grouped ? 1 : 0) };
  if (!grouped) throw new UsageError(`unknown command '${first}'`, SEE_HELP);
  if (rest[0] === undefined) throw new UsageError(`${first} needs a command`, groupHelp(first));
  if (HELP_FLAGS.includes(rest[0])) return { help: groupHelp(first) };
  throw new UsageError(`unknown command '${name}'`, groupHelp(first));
}

function helpOf(words: readonly string[]): Invocation {
  if (GROUPS.includes(words[0]!) && words.length === 1) return { kind: 'help', text: groupHelp(words[0]!) };
  const command = COMMANDS.find((candidate) => candidate.name === words.join(' '));
  if (!command) throw new UsageError(`unknown command '${words.join(' ')}'`, SEE_HELP);
  return { kind: 'help', text: commandHelp(command) };
}

function parseArgsOptions(options: Readonly<Record<string, CliOption>>): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(options).map(([name, { type, short, multiple }]) => [name, { type, ...(short ? { short } : {}), ...(multiple ? { multiple } : {}) }]),
  );
}
