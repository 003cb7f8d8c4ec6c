/**
 * `nimbus worker`: this process runs jobs for a queue on Redis until SIGTERM or Ctrl-C. The first
 * signal lets the running jobs finish (it takes no more) and exits 0; a second stops them at once.
 */
import { filesConfigOf } from '../../files/index.js';
import { startWorker, type WorkerOptions } from '../../redis/start-worker.js';
import type { Command, CommandContext } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { integerOption, positiveNumberOption, stringOption } from '../operands.js';
import { UsageError } from '../usage-error.js';

const ISOLATIONS = ['process', 'thread'] as const;

export const workerCommand: Command = {
  name: 'worker',
  operands: '',
  arity: { min: 0, max: 0 },
  summary: 'run jobs for a queue on Redis, until SIGTERM or Ctrl-C',
  description:
    'Runs the jobs of a queue on Redis (what Clouds with redis submit), on this machine, with the same compute units, memory ' +
    'limits and isolation as a local Cloud. Start as many as you like, on as many machines. It prints one line when it takes ' +
    'jobs. SIGTERM or Ctrl-C: it takes no more jobs, lets the running ones finish and exits 0; a second signal stops them at ' +
    'once (restartable jobs run again on another worker, others end error). Modules the jobs import must exist at the same ' +
    'path on every worker.',
  options: {
    redis: { type: 'string', value: 'url', description: 'the Redis of the clients: redis://host:port/db (default $NIMBUS_REDIS)' },
    queue: { type: 'string', value: 'name', description: "the queue on that Redis (default $NIMBUS_QUEUE, else 'nimbus')" },
    cores: { type: 'string', value: 'n', description: 'cores to use (default: every core of the machine)' },
    'compute-units': { type: 'string', value: 'n', description: 'capacity in compute units (default cores x 2.5)' },
    isolation: { type: 'string', value: 'process|thread', description: 'where jobs run: a process per running job (default) or threads' },
    files: { type: 'string', value: 'dir|s3://bucket/prefix', description: "the store of the jobs' cloud.files: the clients' (default .nimbus/files here)" },
    's3-endpoint': { type: 'string', value: 'url', description: 'an S3-compatible server instead of AWS, for --files s3://...' },
  },
  async run(context) {
    const worker = await startWorker(workerOptions(context));
    const ready = `nimbus worker ${worker.id} ready on ${worker.redis} queue ${worker.queue} (${worker.cores} cores, ${worker.computeUnits} compute units)`;
    if (context.json)
      context.printJson({ id: worker.id, name: worker.name, redis: worker.redis, queue: worker.queue, cores: worker.cores, computeUnits: worker.computeUnits });
    else context.print(ready);
    await Promise.race([context.untilStopped(), worker.closed]);
    context.warn(`nimbus: worker ${worker.name} stopping: it takes no more jobs and lets the running ones finish; a second signal stops them now`);
    let forced = false;
    const second = context.untilStopped().then(async () => {
      forced = true;
      context.warn(`nimbus: worker ${worker.name} stopping now: running jobs are stopped, the ones not started go back to the queue`);
      await worker.close({ force: true });
    });
    await Promise.race([worker.close(), second]);
    return forced ? EXIT.failed : EXIT.ok;
  },
};

function workerOptions(context: CommandContext): WorkerOptions {
  const { values, env } = context;
  const redis = stringOption(values, 'redis') ?? (env.NIMBUS_REDIS || undefined);
  if (redis === undefined) throw new UsageError('worker needs --redis <url> (or NIMBUS_REDIS): the Redis of the clients');
  const isolation = stringOption(values, 'isolation');
  if (isolation !== undefined && !(ISOLATIONS as readonly string[]).includes(isolation)) {
    throw new UsageError(`--isolation must be process or thread, got '${isolation}'`);
  }
  const files = stringOption(values, 'files');
  const endpoint = stringOption(values, 's3-endpoint');
  if (endpoint !== undefined && files === undefined) throw new UsageError('--s3-endpoint goes with --files s3://bucket/prefix');
  const options: WorkerOptions = { redis };
  const queue = stringOption(values, 'queue') ?? (env.NIMBUS_QUEUE || undefined);
  if (queue !== undefined) options.queue = queue;
  const cores = integerOption(values, 'cores', 1);
  if (cores !== undefined) options.cores = cores;
  const computeUnits = positiveNumberOption(values, 'compute-units');
  if (computeUnits !== undefined) options.computeUnits = computeUnits;
  if (isolation !== undefined) options.isolation = isolation as (typeof ISOLATIONS)[number];
  if (files !== undefined) options.files = filesConfigOf(files, endpoint);
  return options;
}
