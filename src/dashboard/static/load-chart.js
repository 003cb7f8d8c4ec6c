// Compute units in use and the queue over time (Chart.js lines), one point per load the server
// pushes (every second), the last LOAD_HISTORY of them.

import { clockAxis, nowSeconds } from './clock-axis.js%QUERY%';

const LOAD_HISTORY = 600; // points: ten minutes at one a second

export function createLoadChart(canvas) {
  const series = (label, color, axis, extra = {}) => ({ label, data: [], borderColor: color, backgroundColor: color, yAxisID: axis, pointRadius: 0, borderWidth: 2, ...extra });
  const chart = new Chart(canvas, {
    type: 'line',
    data: {
      datasets: [
        series('CU in use', '#3b7dd8', 'units', { fill: true, backgroundColor: 'rgba(59, 125, 216, 0.15)' }),
        series('CU total', '#7a8394', 'units', { borderDash: [6, 4], borderWidth: 1 }),
        series('queued', '#e08a1e', 'jobs', { stepped: true }),
        series('waiting', '#b9a25a', 'jobs', { stepped: true, borderDash: [2, 2] }),
      ],
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      parsing: false,
      scales: {
        x: clockAxis('time'),
        units: { position: 'left', beginAtZero: true, title: { display: true, text: 'compute units' } },
        jobs: { position: 'right', beginAtZero: true, grid: { drawOnChartArea: false }, title: { display: true, text: 'jobs' }, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: 'bottom', labels: { boxWidth: 12 } } },
    },
  });
  return {
    chart,
    add(load) {
      const x = nowSeconds();
      const values = [load.computeUnits.used, load.computeUnits.total, load.queued, load.waiting];
      chart.data.datasets.forEach((dataset, i) => {
        dataset.data.push({ x, y: values[i] });
        if (dataset.data.length > LOAD_HISTORY) dataset.data.shift();
      });
      chart.update('none');
      canvas.dataset.points = String(chart.data.datasets[0].data.length);
    },
  };
}
