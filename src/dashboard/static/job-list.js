// The jobs table, a page at a time: filtered by status, label and function, paged by jid (the
// server's `next` is the `before` of the following page; the cursors of the pages before are kept
// to go back). Refreshed with the load: the page shown follows its jobs' statuses.

import { getJson } from './api-client.js%QUERY%';
import { $, element, jobLink, showError } from './page-elements.js%QUERY%';

const TYPING_PAUSE_MS = 250; // the table follows a text box once typing pauses this long

let formatDuration = String;
// The `before` of each page up to the one shown; undefined: the newest jobs.
let cursors = [undefined];
let next = null;
// Answers can overtake each other: only the newest question's answer is shown.
let asked = 0;
let shown = '';

function filter() {
  return { status: $('#status-filter').value, label: $('#label-filter').value, fn: $('#fn-filter').value, limit: $('#page-size').value };
}

export async function refreshJobs() {
  const question = ++asked;
  const params = { ...filter(), before: cursors.at(-1) };
  try {
    const page = await getJson('/api/jobs', params);
    if (question !== asked) return;
    showError('#jobs-error', undefined);
    next = page.next;
    showPager(page.jobs.length);
    const text = JSON.stringify([params, page]);
    if (text === shown) return;
    shown = text;
    $('#jobs tbody').replaceChildren(...page.jobs.map(jobRow));
    $('#jobs-empty').hidden = page.jobs.length > 0;
  } catch (error) {
    if (question === asked) showError('#jobs-error', error);
  }
}

function showPager(count) {
  $('#page-newer').disabled = cursors.length === 1;
  $('#page-older').disabled = next === null;
  $('#page-number').textContent = `page ${cursors.length}${count === 0 ? '' : `, ${count} jobs`}`;
}

function jobRow(job) {
  const row = element('tr', undefined, { 'data-jid': job.jid, 'data-status': job.status });
  const cells = [jobLink(job.jid), job.fn || '(anonymous)', job.label ?? '', job.type, element('span', job.status, { class: `status ${job.status}` }), formatDuration(job.runtime)];
  for (const content of cells) {
    const cell = element('td');
    cell.append(content);
    row.append(cell);
  }
  return row;
}

function firstPage() {
  cursors = [undefined];
  void refreshJobs();
}

/** Wires the filters and the pager; `format` is human-units.js, shared with the CLI. */
export function setUpJobList(format) {
  formatDuration = format.formatDuration;
  let typing;
  $('#filters').addEventListener('submit', (event) => event.preventDefault());
  for (const select of ['#status-filter', '#page-size']) $(select).addEventListener('change', firstPage);
  for (const box of ['#label-filter', '#fn-filter']) {
    $(box).addEventListener('input', () => {
      clearTimeout(typing);
      typing = setTimeout(firstPage, TYPING_PAUSE_MS);
    });
  }
  $('#page-older').addEventListener('click', () => {
    if (next === null) return;
    cursors.push(next);
    void refreshJobs();
  });
  $('#page-newer').addEventListener('click', () => {
    if (cursors.length > 1) cursors.pop();
    void refreshJobs();
  });
}
