/** `nimbus kill <jid...>`: kills the jobs not complete yet, waits until they have stopped, then tells each one's status. */
import { errorCode } from '../../errors.js';
import type { Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { printStatuses } from '../job-text.js';
import { parseJids } from '../operands.js';

// A job of another process stops when that process next reads the kill request from the home.
const STOP_WAIT_MS = 5000;

export const killCommand: Command = {
  name: 'kill',
  operands: '<jid...>',
  arity: { min: 1 },
  summary: 'kill jobs',
  description:
    'Kills each job that is queued, waiting or processing (a complete job stays as it is), ' +
    `waits until they have stopped (${STOP_WAIT_MS / 1000} s at most), then prints every status, one ` +
    'line each. A jid can be a range: 10-20.',
  options: {},
  async run(context) {
    const jids = parseJids(context.positionals);
    await context.cloud.kill(jids);
    try {
      await context.cloud.join(jids, { ignoreErrors: true, timeout: STOP_WAIT_MS });
    } catch (error) {
      if (errorCode(error) !== 'ERR_TIMEOUT') throw error;
      context.warn(`nimbus: some jobs have not stopped after ${STOP_WAIT_MS / 1000} s; their runtime stops them when it next reads the home`);
    }
    printStatuses(context, jids, await context.cloud.status(jids));
    return EXIT.ok;
  },
};
