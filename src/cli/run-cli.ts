/**
 * The `nimbus` command line as a function: words in, exit code out, streams given, so that tests
 * run it in-process and main.ts only wires it to the process. Every error ends as a message on
 * stderr and an exit code of exit-codes.ts, chosen by the error's code; only a bug shows a stack.
 */
import { existsSync } from 'node:fs';
import { Cloud } from '../cloud.js';
import { CloudError, CloudException } from '../errors.js';
import type { CliCloud, CliIo, CommandContext } from './command.js';
import { parseCommandLine, type Invocation } from './command-line.js';
import { EXIT, EXIT_OF_CODE } from './exit-codes.js';
import { opensReadOnly, resolveHome } from './home.js';
import { renderFailure } from './job-text.js';
import { toJson } from './json-output.js';
import { stringOption } from './operands.js';
import { escapeLine, escapeLines } from './terminal-text.js';
import { UsageError } from './usage-error.js';

export type { CliCloud, CliIo } from './command.js';

export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  let invocation: Invocation;
  try {
    invocation = parseCommandLine(argv);
  } catch (error) {
    return report(io, error);
  }
  if (invocation.kind === 'help') {
    io.stdout.write(`${invocation.text}\n`);
    return EXIT.ok;
  }
  const env = io.env ?? process.env;
  const home = resolveHome(stringOption(invocation.values, 'home'), env, io.cwd ?? process.cwd());
  let opened: Cloud | undefined;
  const command = invocation.command;
  /** The home's Cloud, opened when a command first asks for it (`nimbus worker` never does). */
  const cloud = (): CliCloud => {
    if (io.cloud) return io.cloud;
    if (!opened && !command.createsHome && !existsSync(home)) {
      throw new UsageError(`no nimbus home at ${home}: run nimbus where the home is, or give --home or NIMBUS_HOME`);
    }
    return (opened ??= new Cloud({ home, readOnly: opensReadOnly(command.name, home) }));
  };
  try {
    const context: CommandContext = {
      get cloud() {
        return cloud();
      },
      values: invocation.values,
      positionals: invocation.positionals,
      json: invocation.values.json === true,
      env,
      home,
      untilStopped: io.untilStopped ?? untilSignal,
      // Whatever a command prints may hold what a job wrote: no control reaches the terminal raw.
      print: (text) => io.stdout.write(`${escapeLines(text)}\n`),
      printJson: (value) => io.stdout.write(`${escapeLine(toJson(value))}\n`),
      warn: (text) => io.stderr.write(`${escapeLines(text)}\n`),
    };
    return await command.run(context);
  } catch (error) {
    return report(io, error);
  } finally {
    await opened?.close();
  }
}

function report(io: CliIo, error: unknown): number {
  const say = (text: string) => io.stderr.write(`${escapeLines(text)}\n`);
  if (error instanceof UsageError) {
    say(`nimbus: ${error.message}${error.help ? `\n${error.help}` : ''}`);
    return EXIT.usage;
  }
  if (error instanceof CloudError) {
    say(error instanceof CloudException ? renderFailure(error) : `nimbus: ${error.message}`);
    return EXIT_OF_CODE[error.code] ?? EXIT.failed;
  }
  say(`nimbus: ${error instanceof Error ? error.stack : String(error)}`);
  return EXIT.failed;
}

/** Until Ctrl-C (SIGINT) or SIGTERM; listening only meanwhile, so that Ctrl-C ends other commands as usual. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
