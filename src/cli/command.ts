/**
 * What a `nimbus` command is (its name, options and help, and what it runs) and what it is given
 * to run with. Contracts only: the commands are in commands/, the dispatch in run-cli.ts.
 */
import type { Cloud } from '../cloud.js';
import type { DashboardCloud } from '../dashboard/dashboard-cloud.js';
import type { CloudFiles } from '../files/index.js';

/** The Cloud methods the commands use: public ones only. */
export type CliCloud = DashboardCloud &
  Pick<Cloud, 'status' | 'kill' | 'join'> & {
    readonly files: Pick<CloudFiles, 'list' | 'put' | 'get' | 'delete' | 'md5'>;
  };

/** Where the command line runs: its streams and environment, given so that tests run it in-process. */
export interface CliIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
  /** Default process.env: NIMBUS_HOME, NIMBUS_DASHBOARD_TOKEN. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Default process.cwd(): where the default home, .nimbus, is. */
  readonly cwd?: string;
  /** Use this cloud instead of opening the home; the caller keeps it open and closes it. */
  readonly cloud?: CliCloud;
  /** Resolves when a command that serves (the dashboard) should stop; default SIGINT or SIGTERM. */
  readonly untilStopped?: () => Promise<void>;
}

export interface TextSink {
  write(text: string): unknown;
}

/** One option of a command, for node:util parseArgs and for its help. */
export interface CliOption {
  readonly type: 'string' | 'boolean';
  readonly short?: string;
  readonly multiple?: boolean;
  /** How the value is called in the help: `--limit <n>`. */
  readonly value?: string;
  readonly description: string;
}

export type OptionValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;

export interface CommandContext {
  readonly cloud: CliCloud;
  readonly values: OptionValues;
  readonly positionals: readonly string[];
  /** --json: print JSON on stdout instead of text. */
  readonly json: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where the jobs are, as messages name it: the home's path, or the queue on Redis. */
  readonly home: string;
  readonly untilStopped: () => Promise<void>;
  /** Writes a line (or lines) of text to stdout; controls but line feeds and tabs are shown escaped. */
  print(text: string): void;
  /** Writes a value as one line of JSON to stdout, with no raw control in it (terminal-text.ts). */
  printJson(value: unknown): void;
  /** Writes a line to stderr, escaped as `print` is. */
  warn(text: string): void;
}

export interface Command {
  /** As typed: 'status', or 'files ls' for a command of a group. */
  readonly name: string;
  /** What follows the name in the usage line: '<jid...>'. */
  readonly operands: string;
  /** How many operands it takes; `max` undefined: any number. */
  readonly arity: { readonly min: number; readonly max?: number };
  /** One line, for `nimbus --help`. */
  readonly summary: string;
  /** A paragraph, for `nimbus <command> --help`. */
  readonly description: string;
  readonly options: Readonly<Record<string, CliOption>>;
  /** True when the command may make the home (files put); any other needs one that exists. */
  readonly createsHome?: boolean;
  /** Resolves with the exit code; a UsageError or CloudError it throws is reported by the caller. */
  run(context: CommandContext): Promise<number>;
}
