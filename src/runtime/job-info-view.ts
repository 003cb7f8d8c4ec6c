/**
 * A job's record in the job table as `info` tells it: the one place the table's columns become a
 * JobInfo. Pure: it reads the table and the memory limit the runtime's settings give.
 */
import type { JobInfo } from '../types/job-info.js';
import type { ResourceType } from '../types/job-options.js';
import type { JobTable } from './job-table.js';

export function jobInfoOf(t: JobTable, jid: number, memoryLimitOf: (type: ResourceType, cores: number) => number | undefined): JobInfo {
  const started = t.started[jid] || undefined;
  const finished = t.finished[jid] || undefined;
  return {
    jid,
    status: t.statusOf(jid),
    type: t.typeOf(jid),
    cores: t.cores[jid]!,
    priority: t.priority[jid]!,
    label: t.label[jid],
    fn: t.fnNameOf(jid) ?? '',
    created: t.created[jid]!,
    started,
    finished,
    runtime: started !== undefined && finished !== undefined ? finished - started : undefined,
    cputime: numberOrUndefined(t.cputime[jid]!),
    memory: numberOrUndefined(t.memory[jid]!),
    memoryLimit: memoryLimitOf(t.typeOf(jid), t.cores[jid]!),
    stdout: t.stdout[jid] ?? '',
    stderr: t.stderr[jid] ?? '',
    exception: t.error[jid],
    dependsOn: t.dependsOn[jid]?.slice() ?? [],
    attempts: t.attempts[jid]!,
  };
}

/** NaN is how the table keeps "not measured". */
function numberOrUndefined(value: number): number | undefined {
  return Number.isNaN(value) ? undefined : value;
}
