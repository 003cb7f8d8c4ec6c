/**
 * Every option a user can pass to the API, checked at the edge in tables read by option-reading.ts,
 * with one message style: the parameter's name, the value received, and what is allowed. Inner
 * code trusts the result.
 */
import { errors } from './errors.js';
import {
  boolean,
  finiteNumber,
  must,
  nonNegativeInteger,
  nonNegativeNumber,
  oneOf,
  oneOrList,
  positiveInteger,
  positiveNumber,
  readList,
  readOptions,
  readPlainObject,
  string,
  type Check,
  type CheckTable,
} from './option-reading.js';
import { checkEnv, checkRetryDelay, checkRetryOn } from './job-option-shapes.js';
import { MAX_DELAY_MS } from './platform/long-timer.js';
import type { JobInfoField } from './types/job-info.js';
import type { CloseOptions, CloudConfig, JobOptions, KillOptions, ListFilter, ReadyOptions, ResourceType, WaitOptions } from './types/job-options.js';
import type { ViewOptions } from './view-hooks.js';
import { RESOURCE_TYPES } from './types/job-options.js';
import { MIN_MEMORY_LIMIT_MB } from './types/resource-profiles.js';
import type { JobFilter, ResolvedJobOptions } from './types/job-service.js';
import { JOB_STATUSES, type JobStatus } from './types/job-status.js';

/** A delay nimbus waits with a timer: up to Number.MAX_SAFE_INTEGER ms (see LongTimer). */
const delay = (check: Check): Check => {
  const atMost = must((value) => (value as number) <= MAX_DELAY_MS, `at most ${MAX_DELAY_MS} milliseconds (Number.MAX_SAFE_INTEGER)`);
  return (value, name) => atMost(check(value, name), name);
};
const jids: Check = oneOrList((jid, name) => checkJid(jid, name));
const memoryLimits: Check = (value, name) => {
  const limits: Partial<Record<ResourceType, number>> = {};
  for (const [type, limit] of readPlainObject(value, name)) {
    oneOf(RESOURCE_TYPES)(type, `${name} key`);
    if (limit !== undefined) limits[type as ResourceType] = positiveNumber(' of MB')(limit, `${name}.${type}`) as number;
  }
  return limits;
};
const anything: Check = (value) => value;
const redisUrl = must((value) => /^rediss?:\/\/./.test(value as string), "a Redis URL ('redis://host:port/db' or 'rediss://...')");
const queueName = must((value) => /^[A-Za-z0-9_.-]{1,100}$/.test(value as string), 'a queue name of 1 to 100 letters, digits, dots, dashes or underscores');

const JOB_OPTIONS: Readonly<Record<keyof JobOptions, Check>> = {
  type: oneOf(RESOURCE_TYPES),
  cores: positiveInteger,
  dependsOn: jids,
  dependsOnErrors: oneOf(['abort', 'ignore']),
  label: string,
  maxRuntime: delay(positiveNumber(' of milliseconds')),
  priority: finiteNumber,
  restartable: boolean,
  retries: nonNegativeInteger,
  retryDelay: checkRetryDelay,
  retryOn: checkRetryOn,
  env: checkEnv,
};

const abortSignal = must((value) => value instanceof AbortSignal, 'an AbortSignal (from an AbortController, or AbortSignal.timeout())');
const callback = must((value) => typeof value === 'function', 'a function');

/** What a view holds beyond the options its jobs carry (view-hooks.ts). */
const VIEW_OPTIONS: Readonly<Record<keyof ViewOptions, Check>> = {
  signal: abortSignal,
  onDone: callback,
  onError: callback,
};

const WAIT_OPTIONS: Readonly<Record<keyof WaitOptions, Check>> = {
  timeout: delay(nonNegativeNumber(' milliseconds')),
  ignoreErrors: boolean,
  progress: boolean,
  signal: abortSignal,
};

const READY_OPTIONS: Readonly<Record<keyof ReadyOptions, Check>> = {
  count: positiveInteger,
  timeout: delay(nonNegativeNumber(' milliseconds')),
  signal: abortSignal,
};

const LIST_FILTER: Readonly<Record<keyof ListFilter, Check>> = {
  status: oneOrList(oneOf(JOB_STATUSES)),
  label: string,
  limit: positiveInteger,
  before: positiveInteger,
};

const CONFIG: Readonly<Record<keyof CloudConfig, Check>> = {
  simulator: boolean,
  cores: positiveInteger,
  computeUnits: positiveNumber(' of compute units'),
  memoryLimits,
  s1Concurrency: positiveInteger,
  isolation: oneOf(['process', 'thread']),
  maxRestarts: nonNegativeInteger,
  files: anything,
  home: string,
  readOnly: boolean,
  redis: (value, name) => redisUrl(string(value, name), name),
  queue: (value, name) => queueName(string(value, name), name),
};

/** Every field `info` can pick, in the order `info` tells them. */
const JOB_INFO_FIELDS = Object.keys({
  jid: 0,
  status: 0,
  type: 0,
  cores: 0,
  priority: 0,
  label: 0,
  fn: 0,
  created: 0,
  started: 0,
  finished: 0,
  runtime: 0,
  cputime: 0,
  memory: 0,
  memoryLimit: 0,
  stdout: 0,
  stderr: 0,
  exception: 0,
  dependsOn: 0,
  attempts: 0,
  worker: 0,
} satisfies Record<JobInfoField, 0>) as JobInfoField[];

/** The options as checked by the table; undefined options are no options. */
function checkAgainst<T extends object>(table: CheckTable, value: unknown, where: string): T {
  return value === undefined ? ({} as T) : readOptions<T>(table, value, where);
}

/** What `cloud.with` takes, merged once: a merge per call cost more than a trivial job (a chain calls `with` per link). */
const WITH_OPTIONS: CheckTable = { ...JOB_OPTIONS, ...VIEW_OPTIONS };

export function checkJobOptions(options: unknown): JobOptions & ViewOptions {
  return checkAgainst<JobOptions & ViewOptions>(WITH_OPTIONS, options, 'cloud.with options');
}

/** `cloud.wait`'s options; `count` must be at most the number of distinct jobs asked about. */
export function checkReadyOptions(options: unknown, jobs: number): ReadyOptions {
  const checked = checkAgainst<ReadyOptions>(READY_OPTIONS, options, 'wait options');
  if (checked.count !== undefined && checked.count > jobs) {
    throw errors.badOption('count', checked.count, `at most the number of distinct jobs asked about (${jobs})`);
  }
  return checked;
}

export function checkKillOptions(options: unknown): KillOptions {
  return checkAgainst<KillOptions>({ recursive: boolean }, options, 'kill options');
}

export function checkCloseOptions(options: unknown): CloseOptions {
  return checkAgainst<CloseOptions>({ wait: boolean }, options, 'close options');
}

export function checkWaitOptions(options: unknown): WaitOptions {
  return checkAgainst<WaitOptions>(WAIT_OPTIONS, options, 'wait options');
}

/** How many jobs `list` returns when not told. */
export const DEFAULT_LIST_LIMIT = 100;

export function checkListFilter(filter: unknown): JobFilter {
  const checked = checkAgainst<ListFilter>(LIST_FILTER, filter, 'list filter');
  const status = checked.status === undefined ? undefined : ([] as JobStatus[]).concat(checked.status);
  return { status, label: checked.label, limit: checked.limit ?? DEFAULT_LIST_LIMIT, before: checked.before };
}

export function checkConfig(config: unknown): CloudConfig {
  const checked = checkAgainst<CloudConfig>(CONFIG, config, 'Cloud config');
  // A limit V8 cannot take (0.5 MB, 100.7 MB) or cannot start a job under would fail every job.
  const isolation = checked.isolation ?? 'process';
  for (const [type, limit] of Object.entries(checked.memoryLimits ?? {})) {
    if (!Number.isSafeInteger(limit) || limit < MIN_MEMORY_LIMIT_MB[isolation]) {
      throw errors.badOption(`memoryLimits.${type}`, limit, `a whole number of MB, at least ${MIN_MEMORY_LIMIT_MB[isolation]} with isolation '${isolation}'`);
    }
  }
  if (checked.redis !== undefined) checkRedisConfig(checked);
  else if (checked.queue !== undefined) throw errors.badOption('queue', checked.queue, 'given with redis (it names a queue on that Redis)');
  return checked;
}

/** What cannot go with `redis`: jobs run on other machines, which see neither this thread, this home nor this memory. */
function checkRedisConfig(config: CloudConfig): void {
  if (config.simulator) throw errors.badOption('simulator', config.simulator, 'false or absent with redis (jobs run on the Redis workers)');
  if (config.home !== undefined) throw errors.badOption('home', config.home, 'absent with redis (the jobs live in Redis)');
  if (config.files === 'memory') {
    throw errors.badOption(
      'files',
      config.files,
      "a shared store with redis ({ dir } on a shared folder, or { s3 }): jobs on other machines cannot see this process's memory",
    );
  }
}

/** The fields `info` is asked for: known field names only, read once. */
export function checkInfoFields(fields: unknown): JobInfoField[] | undefined {
  if (fields === undefined) return undefined;
  if (!Array.isArray(fields)) throw errors.badOption('info fields', fields, `a list of field names (${JOB_INFO_FIELDS.join(', ')})`);
  return readList(fields, 'info fields').map((field, i) => oneOf(JOB_INFO_FIELDS)(field, `info fields[${i}]`) as JobInfoField);
}

export function checkJid(value: unknown, where: string): number {
  if (!isJid(value)) throw errors.badJid(where, value);
  return value;
}

function isJid(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 1;
}

/** One jid or a list of them, as the API takes them; remembers which it was. */
export function checkJids(value: unknown, where: string): { jids: number[]; single: boolean } {
  if (Array.isArray(value)) {
    const jids = readList(value, where);
    // Where a bad jid sits is spelled out only for the bad one: a million good jids build no text.
    for (let i = 0; i < jids.length; i++) if (!isJid(jids[i])) checkJid(jids[i], `${where}[${i}]`);
    return { jids: jids as number[], single: false };
  }
  if (typeof value === 'object' && value !== null && Symbol.iterator in value) {
    return checkJids([...(value as Iterable<unknown>)], where);
  }
  return { jids: [checkJid(value, where)], single: true };
}

export const DEFAULT_PRIORITY = 5;

/** Fills every default in (checked) options. */
export function resolveJobOptions(options: JobOptions): ResolvedJobOptions {
  const dependsOn = options.dependsOn === undefined ? [] : ([] as number[]).concat(options.dependsOn as number | number[]);
  return {
    type: options.type ?? 'c1',
    cores: options.cores ?? 1,
    priority: options.priority ?? DEFAULT_PRIORITY,
    label: options.label,
    dependsOn,
    dependsOnErrors: options.dependsOnErrors ?? 'abort',
    maxRuntime: options.maxRuntime,
    restartable: options.restartable ?? false,
    retry: options.retries ? { retries: options.retries, delay: options.retryDelay ?? 0, on: options.retryOn } : undefined,
    env: options.env && Object.keys(options.env).length > 0 ? options.env : undefined,
  };
}

/** The default instance's configuration, from NIMBUS_* environment variables. */
export function configFromEnvironment(env: NodeJS.ProcessEnv): CloudConfig {
  const config: CloudConfig = {};
  if (env.NIMBUS_SIMULATOR) config.simulator = booleanFromEnvironment(env, 'NIMBUS_SIMULATOR');
  if (env.NIMBUS_CORES) config.cores = numberFromEnvironment(env, 'NIMBUS_CORES', positiveInteger);
  if (env.NIMBUS_COMPUTE_UNITS) config.computeUnits = numberFromEnvironment(env, 'NIMBUS_COMPUTE_UNITS', positiveNumber(' of compute units'));
  if (env.NIMBUS_HOME) config.home = env.NIMBUS_HOME;
  if (env.NIMBUS_REDIS) config.redis = env.NIMBUS_REDIS;
  if (env.NIMBUS_QUEUE) config.queue = env.NIMBUS_QUEUE;
  return config;
}

/** The words a switch in the environment may be given as, in any case; anything else is refused, never read as false. */
const SWITCH_WORDS: Readonly<Record<string, boolean>> = { '1': true, true: true, yes: true, on: true, '0': false, false: false, no: false, off: false };

function booleanFromEnvironment(env: NodeJS.ProcessEnv, variable: string): boolean {
  const text = env[variable]!;
  const value = SWITCH_WORDS[text.trim().toLowerCase()];
  if (value === undefined) throw errors.badOption(variable, text, 'one of 1, true, yes, on (or 0, false, no, off), in any case');
  return value;
}

/** A number read from the environment; a bad one is named with the text it holds. */
function numberFromEnvironment(env: NodeJS.ProcessEnv, variable: string, check: Check): number {
  const text = env[variable]!;
  const value = Number(text);
  // Checked as a number; a refusal shows the text as written ('got "four"', not 'got NaN').
  try {
    check(value, variable);
  } catch {
    check(text, variable);
  }
  return value;
}
