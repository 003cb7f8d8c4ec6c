/** `nimbus status <jid...>`: the status of each job now; `--check` makes a failed one exit 1. */
import type { Command } from '../command.js';
import { EXIT, FAILED_STATUSES } from '../exit-codes.js';
import { printStatuses } from '../job-text.js';
import { parseJids } from '../operands.js';

export const statusCommand: Command = {
  name: 'status',
  operands: '<jid...>',
  arity: { min: 1 },
  summary: 'the status of jobs (queued, processing, waiting, done, error, killed, stalled)',
  description: 'Prints the status of each job, one line each. A jid can be a range: 10-20.',
  options: {
    check: { type: 'boolean', description: 'exit 1 when one of the jobs ended error, killed or stalled' },
  },
  async run(context) {
    const jids = parseJids(context.positionals);
    const statuses = await context.cloud.status(jids);
    printStatuses(context, jids, statuses);
    const failed = statuses.some((status) => FAILED_STATUSES.includes(status));
    return context.values.check && failed ? EXIT.jobFailed : EXIT.ok;
  },
};
