/** `nimbus jobs`: the newest jobs, filtered by status and label, as a table. */
import { JOB_STATUSES, type JobStatus } from '../../types/job-status.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { renderJobTable } from '../job-text.js';
import { integerOption, listOption, stringOption } from '../operands.js';
import { UsageError } from '../usage-error.js';

export const jobsCommand: Command = {
  name: 'jobs',
  operands: '',
  arity: { min: 0, max: 0 },
  summary: 'list jobs, newest first',
  description: 'Lists the newest jobs (100 unless --limit says otherwise): jid, status, function, label, ' + 'type, when created and how long it ran.',
  options: {
    status: {
      type: 'string',
      multiple: true,
      value: 'status',
      description: `only jobs with this status: ${JOB_STATUSES.join(', ')} (repeat it, or separate with commas)`,
    },
    label: { type: 'string', value: 'label', description: 'only jobs with exactly this label' },
    limit: { type: 'string', value: 'n', description: 'at most n jobs (default 100)' },
  },
  async run(context) {
    const jobs = await context.cloud.list({
      status: statusesOf(listOption(context.values, 'status')),
      label: stringOption(context.values, 'label'),
      limit: integerOption(context.values, 'limit', 1),
    });
    if (context.json) context.printJson(jobs);
    else if (jobs.length === 0) context.warn('no jobs');
    else context.print(renderJobTable(jobs));
    return EXIT.ok;
  },
};

function statusesOf(words: string[] | undefined): JobStatus[] | undefined {
  for (const word of words ?? []) {
    if (!JOB_STATUSES.includes(word as JobStatus)) {
      throw new UsageError(`--status must be one of ${JOB_STATUSES.join(', ')}, got '${word}'`);
    }
  }
  return words as JobStatus[] | undefined;
}
