/**
 * The Lua scripts that change the records (scripts/*.lua), each one atomic state change, defined
 * on a connection as ioredis commands (EVALSHA, loaded again if Redis forgot them). Each script is
 * scripts/common.lua (the keys, status moves, completion and the dependents' walk) followed by the
 * libraries it uses (LIBRARIES) and its own file. The files are read once per process; `npm run
 * build` copies them next to this module.
 */
import { readFileSync } from 'node:fs';
import type { Redis } from 'ioredis';

/** A value a script takes: text, a number, or bytes. */
export type ScriptArg = string | number | Buffer | Uint8Array;

type Script = (...args: ScriptArg[]) => Promise<unknown>;

const SCRIPT_NAMES = ['submit', 'claim', 'take', 'started', 'complete', 'kill', 'delete', 'returned', 'list', 'read'] as const;

/** The files a script needs between common.lua and its own: claimJobs for the two that claim. */
const LIBRARIES: Partial<Record<(typeof SCRIPT_NAMES)[number], readonly string[]>> = {
  claim: ['claim-jobs'],
  take: ['claim-jobs'],
};

export type RecordScripts = Readonly<Record<(typeof SCRIPT_NAMES)[number], Script>> & {
  /** The read script with its reply as Buffers (values are v8 bytes). */
  readBuffer: Script;
  /** The take script with its reply as Buffers (a chunk's arguments are v8 bytes). */
  takeBuffer: Script;
};

let sources: Record<string, string> | undefined;

function scriptSources(): Record<string, string> {
  if (sources) return sources;
  const read = (name: string) => readFileSync(new URL(`./scripts/${name}.lua`, import.meta.url), 'utf8');
  const common = read('common');
  sources = Object.fromEntries(SCRIPT_NAMES.map((name) => [name, [common, ...(LIBRARIES[name] ?? []).map(read), read(name)].join('\n')]));
  return sources;
}

/** The scripts, defined on `redis` (as `nimbus_<name>` commands); every argument goes in ARGV. */
export function defineRecordScripts(redis: Redis): RecordScripts {
  const lua = scriptSources();
  const commands = redis as unknown as Record<string, Script>;
  const scripts: Partial<Record<(typeof SCRIPT_NAMES)[number], Script>> = {};
  for (const name of SCRIPT_NAMES) {
    const command = `nimbus_${name}`;
    if (typeof commands[command] !== 'function') redis.defineCommand(command, { numberOfKeys: 0, lua: lua[name]! });
    scripts[name] = (...args) => commands[command]!.apply(redis, args);
  }
  return {
    ...scripts,
    readBuffer: (...args) => commands.nimbus_readBuffer!.apply(redis, args),
    takeBuffer: (...args) => commands.nimbus_takeBuffer!.apply(redis, args),
  } as RecordScripts;
}
