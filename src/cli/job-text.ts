/** Jobs as the CLI prints them: statuses, a table of many (`nimbus jobs`), or all of one (`nimbus info`). */
import type { CloudException } from '../errors.js';
import { formatDuration, formatMemory, formatTimestamp } from '../format/human-units.js';
import type { Jid } from '../types/jid.js';
import type { JobInfo } from '../types/job-info.js';
import type { RemoteError } from '../types/job-outcome.js';
import type { JobStatus } from '../types/job-status.js';
import type { CommandContext } from './command.js';
import { renderTable, type Column } from './table.js';

const JOB_COLUMNS: readonly Column[] = [
  { header: 'JID', align: 'right' },
  { header: 'STATUS' },
  { header: 'FN' },
  { header: 'LABEL' },
  { header: 'TYPE' },
  { header: 'CREATED' },
  { header: 'RUNTIME', align: 'right' },
];

/** `12  done`, one line a job (JSON: `[{ jid, status }]`). */
export function printStatuses(context: CommandContext, jids: readonly Jid[], statuses: readonly JobStatus[]): void {
  if (context.json) context.printJson(jids.map((jid, i) => ({ jid, status: statuses[i] })));
  else context.print(renderTable(jids.map((jid, i) => [String(jid), statuses[i]!])));
}

export function renderJobTable(jobs: readonly JobInfo[]): string {
  return renderTable(
    jobs.map((job) => [
      String(job.jid),
      job.status,
      job.fn || '(anonymous)',
      job.label ?? '-',
      job.type,
      formatTimestamp(job.created),
      formatDuration(job.runtime),
    ]),
    JOB_COLUMNS,
  );
}

/** Every field of one job, then its output and its exception, each under its own heading. */
export function renderJobInfo(info: Partial<JobInfo>): string {
  const fields: [string, string][] = [
    ['jid', String(info.jid)],
    ['status', String(info.status)],
    ['fn', info.fn || '(anonymous)'],
    ['label', info.label ?? '-'],
    ['type', `${info.type}, ${info.cores} ${info.cores === 1 ? 'core' : 'cores'}, priority ${info.priority}`],
    ['created', formatTimestamp(info.created)],
    ['started', formatTimestamp(info.started)],
    ['finished', formatTimestamp(info.finished)],
    ['runtime', formatDuration(info.runtime)],
    ['cputime', formatDuration(info.cputime)],
    ['memory', formatMemory(info.memory, info.memoryLimit)],
    ['attempts', String(info.attempts)],
    // Only where jobs run on several machines (Redis): which worker ran it, as host:pid.
    ...(info.worker === undefined ? [] : [['worker', info.worker] as [string, string]]),
    ['depends on', info.dependsOn?.length ? info.dependsOn.join(', ') : '-'],
  ];
  const blocks = [renderTable(fields.map(([name, value]) => [`${name}:`, value]))];
  if (info.stdout) blocks.push(`stdout:\n${indent(info.stdout)}`);
  if (info.stderr) blocks.push(`stderr:\n${indent(info.stderr)}`);
  if (info.exception) blocks.push(`exception:\n${indent(renderRemoteError(info.exception))}`);
  return blocks.join('\n');
}

/** The stack when there is one (it starts with the name and message), else `name: message`. */
function renderRemoteError(error: RemoteError): string {
  return error.stack ?? `${error.name}: ${error.message}`;
}

/** `Job 12: boom`, then the job's own stack under it when it threw. */
export function renderFailure(exception: CloudException): string {
  return exception.remoteStack ? `${exception.message}\n${indent(exception.remoteStack)}` : exception.message;
}

function indent(text: string): string {
  return text
    .replace(/\n$/, '')
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}
