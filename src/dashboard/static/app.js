// The dashboard page: the jobs (filtered), one job in full, the files and the live load, from the
// server's read-only JSON API and its event stream. Every value is written as text (textContent),
// never as HTML, so a job's output or label cannot turn into markup.

// '?token=...' when the dashboard has a token: every request of this page carries it.
const query = new URL(import.meta.url).search;
const token = new URLSearchParams(query).get('token');
const { formatDuration, formatMemory, formatTimestamp } = await import(`./human-units.js${query}`);

const RESOURCE_TYPES = ['c1', 'c2', 'f2', 'm1', 's1'];
const COMPLETE = ['done', 'error', 'killed', 'stalled'];
const LABEL_TYPING_PAUSE_MS = 250; // the table follows the label box once typing pauses this long

const $ = (selector) => document.querySelector(selector);

function apiUrl(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) if (value) url.searchParams.set(key, value);
  if (token) url.searchParams.set('token', token);
  return url;
}

async function getJson(path, params) {
  const response = await fetch(apiUrl(path, params));
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body;
}

function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

function jobLink(jid) {
  return element('a', String(jid), { href: `#/jobs/${jid}` });
}

function showError(selector, error) {
  $(selector).hidden = !error;
  $(selector).textContent = error ? String(error.message ?? error) : '';
}

// The jobs table. Answers can overtake each other: only the newest question's answer is shown.
let jobsAsked = 0;
let jobsShown = '';

async function refreshJobs() {
  const asked = ++jobsAsked;
  const filter = { status: $('#status-filter').value, label: $('#label-filter').value };
  try {
    const jobs = await getJson('/api/jobs', filter);
    if (asked !== jobsAsked) return;
    showError('#jobs-error', undefined);
    const shown = JSON.stringify([filter, jobs]);
    if (shown === jobsShown) return;
    jobsShown = shown;
    $('#jobs tbody').replaceChildren(...jobs.map(jobRow));
    $('#jobs-empty').hidden = jobs.length > 0;
  } catch (error) {
    if (asked === jobsAsked) showError('#jobs-error', error);
  }
}

function jobRow(job) {
  const row = element('tr', undefined, { 'data-jid': job.jid, 'data-status': job.status });
  const cells = [
    jobLink(job.jid), job.fn || '(anonymous)', job.label ?? '', job.type,
    element('span', job.status, { class: `status ${job.status}` }), formatDuration(job.runtime),
  ];
  for (const content of cells) {
    const cell = element('td');
    cell.append(content);
    row.append(cell);
  }
  return row;
}

// One job, opened at #/jobs/<jid>; refreshed with the load while it is not complete.
let openJob;

async function refreshOpenJob() {
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
  $('#job-jid').textContent = String(job.jid);
  $('#job-status').textContent = job.status;
  $('#job-status').className = `status ${job.status}`;
  const fields = [
    ['fn', job.fn || '(anonymous)'], ['label', job.label ?? '-'],
    ['type', `${job.type}, ${job.cores} ${job.cores === 1 ? 'core' : 'cores'}, priority ${job.priority}`],
    ['created', formatTimestamp(job.created)], ['started', formatTimestamp(job.started)],
    ['finished', formatTimestamp(job.finished)], ['runtime', formatDuration(job.runtime)],
    ['cputime', formatDuration(job.cputime)], ['memory', formatMemory(job.memory, job.memoryLimit)], ['attempts', String(job.attempts)],
  ];
  $('#job-fields').replaceChildren(...fields.flatMap(([name, value]) => [element('dt', name), element('dd', value)]));
  const dependencies = job.dependsOn.flatMap((jid, i) => (i === 0 ? [jobLink(jid)] : [', ', jobLink(jid)]));
  $('#job-dependencies').replaceChildren(...(dependencies.length > 0 ? dependencies : ['none']));
  $('#job-result-block').hidden = job.result === undefined;
  $('#job-result').textContent = job.result ?? '';
  $('#job-exception-block').hidden = !job.exception;
  $('#job-exception').textContent = job.exception ? job.exception.stack ?? `${job.exception.name}: ${job.exception.message}` : '';
  $('#job-stdout').textContent = job.stdout;
  $('#job-stderr').textContent = job.stderr;
  if (COMPLETE.includes(job.status)) openJob = undefined;
}

function route() {
  const match = /^#\/jobs\/(\d+)$/.exec(location.hash);
  openJob = match ? Number(match[1]) : undefined;
  $('#job').hidden = !match;
  $('#jobs-panel').hidden = Boolean(match);
  $('#files-panel').hidden = Boolean(match);
  if (match) {
    $('#job-jid').textContent = match[1];
    void refreshOpenJob();
  }
}

// The files, listed when the page opens and when asked: listing a remote store costs requests.
async function refreshFiles() {
  try {
    const names = await getJson('/api/files');
    showError('#files-error', undefined);
    $('#files').replaceChildren(...names.map((name) => element('li', name)));
    $('#files-empty').hidden = names.length > 0;
  } catch (error) {
    showError('#files-error', error);
  }
}

// The live load, pushed by the server every second; each push also refreshes the jobs.
function showLoad(load) {
  const units = (value) => String(Math.round(value * 100) / 100);
  $('#cu-used').textContent = units(load.computeUnits.used);
  $('#cu-total').textContent = units(load.computeUnits.total);
  $('#queued').textContent = String(load.queued);
  $('#waiting').textContent = String(load.waiting);
  // Compute units per type, when the cloud tells them: the column shows only then.
  const byType = load.computeUnits.byType ?? {};
  $('#load-by-type').classList.toggle('no-units', load.computeUnits.byType === undefined);
  $('#load-by-type tbody').replaceChildren(...RESOURCE_TYPES.map((type) => {
    const row = element('tr', undefined, { 'data-type': type });
    row.append(element('td', type), element('td', String(load.running[type] ?? 0), { class: 'running' }),
      element('td', units(byType[type] ?? 0), { class: 'units' }));
    return row;
  }));
  showWorkers(load.workers);
}

// The live workers of a cluster (a Cloud on Redis); the table shows only then.
function showWorkers(workers) {
  $('#workers').hidden = workers === undefined;
  if (workers === undefined) return;
  $('#workers tbody').replaceChildren(...workers.map((worker) => {
    const row = element('tr', undefined, { 'data-worker': worker.name });
    const seconds = Math.max(0, Math.round((Date.now() - worker.beat) / 1000));
    row.append(element('td', worker.name), element('td', String(worker.cores)),
      element('td', `${Math.round(worker.used * 100) / 100} of ${worker.computeUnits}`), element('td', `${seconds} s ago`));
    return row;
  }));
}

function listenToLoad() {
  const events = new EventSource(apiUrl('/api/events'));
  events.addEventListener('load', (event) => {
    $('#connection').textContent = 'live';
    $('#connection').className = 'connection live';
    showLoad(JSON.parse(event.data));
    void refreshJobs();
    void refreshOpenJob();
  });
  events.addEventListener('failure', (event) => {
    $('#connection').textContent = `load unavailable: ${JSON.parse(event.data).error}`;
  });
  events.addEventListener('error', () => {
    $('#connection').textContent = 'reconnecting…';
    $('#connection').className = 'connection';
  });
}

let labelTyping;
$('#filters').addEventListener('submit', (event) => event.preventDefault());
$('#status-filter').addEventListener('change', () => void refreshJobs());
$('#label-filter').addEventListener('input', () => {
  clearTimeout(labelTyping);
  labelTyping = setTimeout(() => void refreshJobs(), LABEL_TYPING_PAUSE_MS);
});
$('#files-refresh').addEventListener('click', () => void refreshFiles());
window.addEventListener('hashchange', route);

route();
void refreshJobs();
void refreshFiles();
listenToLoad();
