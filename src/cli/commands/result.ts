/** `nimbus result <jid>`: waits for a job and prints its value, or its error (exit 1). */
import { inspect } from 'node:util';
import { CloudException } from '../../errors.js';
import type { Command } from '../command.js';
import { EXIT, EXIT_OF_CODE } from '../exit-codes.js';
import { renderFailure } from '../job-text.js';
import { integerOption, parseJids } from '../operands.js';
import { UsageError } from '../usage-error.js';

export const resultCommand: Command = {
  name: 'result',
  operands: '<jid>',
  arity: { min: 1, max: 1 },
  summary: "a job's value (waits until the job is complete)",
  description:
    'Waits until the job is complete, then prints its value: a string as it is, anything else ' +
    'as Node shows it (util.inspect), or JSON with --json. A job that did not end done prints its error ' +
    'and stack on stderr (with --json, { jid, status, code, error } on stdout) and exits 1.',
  options: {
    timeout: { type: 'string', value: 'ms', description: 'wait at most this many milliseconds, then exit 3 (the job goes on)' },
  },
  async run(context) {
    const jids = parseJids(context.positionals);
    if (jids.length !== 1) throw new UsageError(`result takes one jid, got ${jids.length}`);
    const timeout = integerOption(context.values, 'timeout', 1);
    try {
      const value = await context.cloud.result(jids[0]!, timeout === undefined ? undefined : { timeout });
      if (context.json) context.printJson(value);
      else context.print(typeof value === 'string' ? value : inspect(value, { depth: null }));
      return EXIT.ok;
    } catch (error) {
      if (!(error instanceof CloudException)) throw error;
      if (context.json) context.printJson({ jid: error.jid, status: error.status, code: error.code, error: remoteErrorOf(error) });
      else context.warn(renderFailure(error));
      return EXIT_OF_CODE[error.code];
    }
  },
};

function remoteErrorOf(exception: CloudException) {
  if (exception.remoteName === undefined) return null;
  const { remoteName: name, remoteMessage: message, remoteStack: stack, remoteCode: code } = exception;
  return { name, message, stack, code };
}
