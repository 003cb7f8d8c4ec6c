/**
 * Where the command line's commands find jobs: a home (--home, else NIMBUS_HOME, else .nimbus in
 * the working directory), or a cluster's queue on Redis (--redis, else NIMBUS_REDIS, with --queue,
 * else NIMBUS_QUEUE). A flag beats a variable; --home and --redis together name two places.
 */
import { existsSync } from 'node:fs';
import type { CloudConfig } from '../types/job-options.js';
import type { OptionValues } from './command.js';
import { HOME_DATABASE, holdsJobStore, opensReadOnly, resolveHome } from './home.js';
import { stringOption } from './operands.js';
import { UsageError } from './usage-error.js';

export type JobsSource =
  { readonly kind: 'home'; readonly home: string } | { readonly kind: 'redis'; readonly redis: string; readonly queue: string | undefined };

type Env = Readonly<Record<string, string | undefined>>;

export function jobsSource(values: OptionValues, env: Env, cwd: string): JobsSource {
  const homeFlag = stringOption(values, 'home');
  const redisFlag = stringOption(values, 'redis');
  if (homeFlag !== undefined && redisFlag !== undefined) throw new UsageError('--home and --redis name two places to find jobs: give one');
  const redis = redisFlag ?? (homeFlag === undefined ? env.NIMBUS_REDIS || undefined : undefined);
  const queueFlag = stringOption(values, 'queue');
  if (redis === undefined) {
    if (queueFlag !== undefined) throw new UsageError('--queue names a queue on Redis: it goes with --redis (or NIMBUS_REDIS)');
    return { kind: 'home', home: resolveHome(homeFlag, env, cwd) };
  }
  return { kind: 'redis', redis, queue: queueFlag ?? (env.NIMBUS_QUEUE || undefined) };
}

/** How messages name the source: the home's path, or the queue (a Redis URL may hold a password). */
export function describeSource(source: JobsSource): string {
  return source.kind === 'home' ? source.home : `the queue ${source.queue ?? 'nimbus'} on Redis`;
}

/**
 * The config of the Cloud a command opens on the source. A home must exist, unless the command
 * may make one; a reading command opens it read-only.
 */
export function cloudConfigOf(source: JobsSource, command: { name: string; createsHome?: boolean }): CloudConfig {
  if (source.kind === 'redis') return { redis: source.redis, ...(source.queue === undefined ? {} : { queue: source.queue }) };
  const { home } = source;
  if (!command.createsHome) assertHomeHoldsJobs(home);
  return { home, readOnly: opensReadOnly(command.name, home) };
}

/**
 * A command about jobs needs a home with a job store: a directory without one (the `.nimbus/files`
 * a Cloud's default file store made, say) is not taken for an empty home, and nothing is made in it.
 */
function assertHomeHoldsJobs(home: string): void {
  if (!existsSync(home)) throw new UsageError(`no nimbus home at ${home}: run nimbus where the home is, or give --home or NIMBUS_HOME`);
  if (!holdsJobStore(home)) {
    throw new UsageError(
      `no jobs at ${home}: it holds no job store (${HOME_DATABASE}), so no Cloud ever kept its jobs there; ` +
        `a Cloud keeps them with new Cloud({ home }) or NIMBUS_HOME, then give that directory with --home`,
    );
  }
}
