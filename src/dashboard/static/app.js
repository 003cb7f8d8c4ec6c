// The dashboard page: wires its parts together. The server pushes the load every second (server-
// sent events); each push also refreshes the task stream, the progress per map, the job list and
// the job opened. Routes: '#' the overview, '#/jobs/<jid>' one job.

import { getJson, apiUrl } from './api-client.js%QUERY%';
import { refreshFiles } from './files-panel.js%QUERY%';
import * as units from './human-units.js%QUERY%';
import { refreshJobs, setUpJobList } from './job-list.js%QUERY%';
import { closeJob, openJobAt, refreshOpenJob, setUpJobPage } from './job-page.js%QUERY%';
import { createLoadChart } from './load-chart.js%QUERY%';
import { showLoad } from './load-panel.js%QUERY%';
import { showProgress } from './map-progress.js%QUERY%';
import { $ } from './page-elements.js%QUERY%';
import { createTaskStream } from './task-stream.js%QUERY%';

const taskStream = createTaskStream($('#task-stream'));
const loadChart = createLoadChart($('#load-chart'));
// For a test, or a curious user at the console: the charts as Chart.js holds them.
window.__nimbusDashboard = { taskStream: taskStream.chart, loadChart: loadChart.chart, bars: taskStream.bars };

/** Runs `refresh` unless its last run is still going: a slow answer never piles up requests. */
function single(refresh) {
  let running = false;
  return async () => {
    if (running) return;
    running = true;
    try {
      await refresh();
    } finally {
      running = false;
    }
  };
}

const refreshActivity = single(async () => {
  try {
    const [stream, progress] = await Promise.all([getJson('/api/tasks'), getJson('/api/progress')]);
    taskStream.show(stream);
    showProgress(progress);
    $('#activity-error').hidden = true;
  } catch (error) {
    $('#activity-error').hidden = false;
    $('#activity-error').textContent = String(error.message ?? error);
  }
});

function route() {
  const match = /^#\/jobs\/(\d+)$/.exec(location.hash);
  $('#job').hidden = !match;
  $('#overview').hidden = Boolean(match);
  if (match) openJobAt(Number(match[1]));
  else closeJob();
}

function listenToLoad() {
  const events = new EventSource(apiUrl('/api/events'));
  events.addEventListener('load', (event) => {
    $('#connection').textContent = 'live';
    $('#connection').className = 'connection live';
    const load = JSON.parse(event.data);
    showLoad(load);
    loadChart.add(load);
    void refreshActivity();
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

setUpJobList(units);
setUpJobPage(units);
$('#colour-by').addEventListener('change', (event) => taskStream.colourBy(event.target.value));
$('#files-refresh').addEventListener('click', () => void refreshFiles());
window.addEventListener('hashchange', route);

route();
void refreshActivity();
void refreshJobs();
void refreshFiles();
listenToLoad();
