// The load now, as numbers: compute units in use of the total, queued and waiting jobs, running
// jobs (and their compute units, when the cloud tells them) per type, and the live workers of a
// cluster (a Cloud on Redis).

import { $, element } from './page-elements.js%QUERY%';

const RESOURCE_TYPES = ['c1', 'c2', 'f2', 'm1', 's1'];
const units = (value) => String(Math.round(value * 100) / 100);

export function showLoad(load) {
  $('#cu-used').textContent = units(load.computeUnits.used);
  $('#cu-total').textContent = units(load.computeUnits.total);
  $('#queued').textContent = String(load.queued);
  $('#waiting').textContent = String(load.waiting);
  // Compute units per type, when the cloud tells them: the column shows only then.
  const byType = load.computeUnits.byType ?? {};
  $('#load-by-type').classList.toggle('no-units', load.computeUnits.byType === undefined);
  $('#load-by-type tbody').replaceChildren(
    ...RESOURCE_TYPES.map((type) => {
      const row = element('tr', undefined, { 'data-type': type });
      row.append(element('td', type), element('td', String(load.running[type] ?? 0), { class: 'running' }), element('td', units(byType[type] ?? 0), { class: 'units' }));
      return row;
    }),
  );
  showWorkers(load.workers);
}

function showWorkers(workers) {
  $('#workers').hidden = workers === undefined;
  if (workers === undefined) return;
  $('#workers tbody').replaceChildren(
    ...workers.map((worker) => {
      const row = element('tr', undefined, { 'data-worker': worker.name });
      const seconds = Math.max(0, Math.round((Date.now() - worker.beat) / 1000));
      row.append(element('td', worker.name), element('td', String(worker.cores)), element('td', `${units(worker.used)} of ${worker.computeUnits}`), element('td', `${seconds} s ago`));
      return row;
    }),
  );
}
