// One job, opened at #/jobs/<jid>: its record, result, exception with the stack, stdout and
// stderr, refreshed with the load until it is complete; a kill button while it is not, a delete
// button once it is.

import { getJson, postJson } from './api-client.js%QUERY%';
import { $, COMPLETE, element, jobLink, showError } from './page-elements.js%QUERY%';

let format;
let openJob; // the jid shown, while it may still change

export function openJobAt(jid) {
  openJob = jid;
  $('#job-jid').textContent = String(jid);
  $('#job-status').textContent = '';
  $('#job-actions').hidden = true;
  void refreshOpenJob();
}

export function closeJob() {
  openJob = undefined;
}

export async function refreshOpenJob() {
  if (openJob === undefined) return;
  const jid = openJob;
  try {
    const job = await getJson(`/api/jobs/${jid}`);
    if (jid === openJob) showJob(job);
  } catch (error) {
    if (jid === openJob) showError('#job-error', error);
  }
}

function showJob(job) {
  showError('#job-error', undefined);
  $('#job').dataset.jid = String(job.jid);
  $('#job-status').textContent = job.status;
  $('#job-status').className = `status ${job.status}`;
  const { formatDuration, formatMemory, formatTimestamp } = format;
  const fields = [
    ['fn', job.fn || '(anonymous)'],
    ['label', job.label ?? '-'],
    ['type', `${job.type}, ${job.cores} ${job.cores === 1 ? 'core' : 'cores'}, priority ${job.priority}`],
    ['created', formatTimestamp(job.created)],
    ['started', formatTimestamp(job.started)],
    ['finished', formatTimestamp(job.finished)],
    ['runtime', formatDuration(job.runtime)],
    ['cputime', formatDuration(job.cputime)],
    ['memory', formatMemory(job.memory, job.memoryLimit)],
    ['attempts', String(job.attempts)],
    ...(job.worker ? [['worker', job.worker]] : []),
  ];
  $('#job-fields').replaceChildren(...fields.flatMap(([name, value]) => [element('dt', name), element('dd', value)]));
  const dependencies = job.dependsOn.flatMap((jid, i) => (i === 0 ? [jobLink(jid)] : [', ', jobLink(jid)]));
  $('#job-dependencies').replaceChildren(...(dependencies.length > 0 ? dependencies : ['none']));
  $('#job-result-block').hidden = job.result === undefined;
  $('#job-result').textContent = job.result ?? '';
  $('#job-exception-block').hidden = !job.exception;
  $('#job-exception').textContent = job.exception ? (job.exception.stack ?? `${job.exception.name}: ${job.exception.message}`) : '';
  $('#job-stdout').textContent = job.stdout;
  $('#job-stderr').textContent = job.stderr;
  const complete = COMPLETE.includes(job.status);
  $('#job-actions').hidden = false;
  $('#job-kill').hidden = complete;
  $('#job-delete').hidden = !complete;
  if (complete) openJob = undefined;
}

async function act(action) {
  const jid = Number($('#job-jid').textContent);
  showError('#job-error', undefined);
  try {
    await postJson(`/api/jobs/${jid}/${action}`);
    if (action === 'delete') {
      location.hash = '#';
      return;
    }
    openJob = jid;
    await refreshOpenJob();
  } catch (error) {
    showError('#job-error', error);
  }
}

export function setUpJobPage(units) {
  format = units;
  $('#job-kill').addEventListener('click', () => void act('kill'));
  $('#job-delete').addEventListener('click', () => void act('delete'));
}
