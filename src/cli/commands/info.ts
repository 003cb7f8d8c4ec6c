/** `nimbus info <jid>`: everything known of one job, its output and its exception included. */
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { renderJobInfo } from '../job-text.js';
import { parseJids } from '../operands.js';
import { UsageError } from '../usage-error.js';

export const infoCommand: Command = {
  name: 'info',
  operands: '<jid>',
  arity: { min: 1, max: 1 },
  summary: "a job's record: function, label, times, memory, stdout, stderr, exception",
  description:
    'Prints what nimbus keeps of the job: its function, label, type, times, memory, the jobs it ' +
    'depends on, what it printed, and its exception with the stack. The exit code is 0 whatever the ' +
    "job's status (use status --check or result to test it).",
  options: {},
  async run(context) {
    const jids = parseJids(context.positionals);
    if (jids.length !== 1) throw new UsageError(`info takes one jid, got ${jids.length}`);
    const info = await context.cloud.info(jids[0]!);
    if (context.json) context.printJson(info);
    else context.print(renderJobInfo(info));
    return EXIT.ok;
  },
};
