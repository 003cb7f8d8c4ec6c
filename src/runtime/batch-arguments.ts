/**
 * A batch's arguments read from the table's `args` column, as they travel (wire/batch-args.ts).
 * Jobs of a map over primitives hold their one argument there (Flag.OneArgument): those go
 * straight into the batch's column, with no list per job on the way.
 */
import type { BatchArgs } from '../types/executor.js';
import type { Primitive } from '../types/job-outcome.js';
import { encodeBatchArgs, encodeOneEach } from '../wire/batch-args.js';
import { Flag, type JobTable } from './job-table.js';

export function batchArguments(table: JobTable, jids: readonly number[]): BatchArgs {
  const { flags, args } = table;
  const items = new Array<Primitive>(jids.length);
  for (let i = 0; i < jids.length; i++) {
    const jid = jids[i]!;
    if ((flags[jid]! & Flag.OneArgument) === 0) return encodeBatchArgs(jids.map((each) => table.argsOf(each)));
    items[i] = args[jid] as Primitive;
  }
  return encodeOneEach(items);
}
