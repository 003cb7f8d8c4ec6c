// The task stream (Chart.js floating horizontal bars): one row per worker slot, one bar per job
// from its start to its end (to now while it runs), coloured by function or by status. The rows
// and bars come packed from the server (/api/tasks). A click on a bar opens its job.

import { clockAxis, learnServerClock, serverSeconds } from './clock-axis.js%QUERY%';
import { $ } from './page-elements.js%QUERY%';
import { functionColor, statusColor } from './palette.js%QUERY%';

const ROW_HEIGHT_PX = 22;
const AXES_HEIGHT_PX = 70; // the time axis, its title and the legend

export function createTaskStream(canvas) {
  let colourBy = 'fn';
  let last = { now: Date.now(), rows: [], bars: [] };
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets: [] },
    options: {
      indexAxis: 'y',
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: clockAxis('time'), y: { type: 'category', grid: { display: false }, ticks: { autoSkip: false } } },
      plugins: {
        legend: { position: 'bottom', labels: { boxWidth: 12 } },
        tooltip: { callbacks: { label: (item) => describe(item.raw) } },
      },
      onClick: (event, elements) => {
        const hit = elements[0];
        if (hit) location.hash = `#/jobs/${chart.data.datasets[hit.datasetIndex].data[hit.index].jid}`;
      },
    },
  });

  function draw() {
    const { rows, bars, now } = last;
    const groups = new Map();
    for (const bar of bars) {
      const key = colourBy === 'fn' ? bar.fn || '(anonymous)' : bar.status;
      if (!groups.has(key)) groups.set(key, []);
      groups.get(key).push({ x: [serverSeconds(bar.started), serverSeconds(bar.finished ?? now)], y: bar.row, ...bar });
    }
    chart.data.labels = rows;
    // The axis spans the bars shown up to now, so the stream moves on while jobs run.
    const starts = bars.map((bar) => serverSeconds(bar.started));
    chart.options.scales.x.min = starts.length > 0 ? Math.min(...starts) : undefined;
    chart.options.scales.x.max = bars.length > 0 ? serverSeconds(now) : undefined;
    chart.data.datasets = [...groups].map(([key, data]) => {
      const color = colourBy === 'fn' ? functionColor(key) : statusColor(key);
      return {
        label: key,
        data,
        grouped: false, // bars of different functions share a row's full height
        backgroundColor: color,
        // By function, a failed job keeps its function's colour inside a border of its status.
        borderColor: (context) => statusColor(context.raw?.status),
        borderWidth: (context) => (colourBy === 'fn' && context.raw?.status !== 'done' ? 2 : 0),
        borderSkipped: false,
        barPercentage: 0.85,
        minBarLength: 2, // px: a job of a millisecond still shows
        categoryPercentage: 1,
      };
    });
    canvas.parentElement.style.height = `${Math.max(rows.length, 2) * ROW_HEIGHT_PX + AXES_HEIGHT_PX}px`;
    chart.update('none');
    canvas.dataset.bars = String(bars.length);
    canvas.dataset.finishedBars = String(bars.filter((bar) => bar.finished !== undefined).length);
    canvas.dataset.rows = String(rows.length);
    $('#tasks-empty').hidden = bars.length > 0;
  }

  return {
    chart,
    show(stream) {
      learnServerClock(stream.now);
      last = stream;
      draw();
    },
    colourBy(what) {
      colourBy = what;
      draw();
    },
    /** The bars drawn now, counted from the chart itself. */
    bars: () => chart.data.datasets.reduce((sum, dataset) => sum + dataset.data.length, 0),
  };
}

function describe(bar) {
  const seconds = ((bar.finished ?? Date.now()) - bar.started) / 1000;
  const label = bar.label ? ` [${bar.label}]` : '';
  return `job ${bar.jid} ${bar.fn || '(anonymous)'}${label}: ${bar.status}, ${seconds.toFixed(2)} s`;
}
