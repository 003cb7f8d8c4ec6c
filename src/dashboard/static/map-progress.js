// Progress per map: for each group of jobs (one label, one function) a line of counts and a bar
// whose parts are done, error, killed, running and queued, in proportion.

import { $, element } from './page-elements.js%QUERY%';

const PARTS = ['done', 'error', 'killed', 'running', 'queued'];

export function showProgress(groups) {
  $('#progress-empty').hidden = groups.length > 0;
  $('#progress').replaceChildren(...groups.map(groupItem));
}

function groupItem(group) {
  const item = element('li', undefined, { 'data-fn': group.fn, 'data-label': group.label ?? '' });
  const name = `${group.fn || '(anonymous)'}${group.label ? ` · ${group.label}` : ''}`;
  const range = group.first === group.last ? `job ${group.first}` : `jobs ${group.first}–${group.last}`;
  const complete = group.done + group.error + group.killed;
  const title = element('div', undefined, { class: 'progress-title' });
  title.append(element('strong', name), ` ${range} `, element('span', `${complete} of ${group.total}`, { class: 'progress-total' }));
  const bar = element('div', undefined, { class: 'progress-bar', role: 'img', 'aria-label': `${complete} of ${group.total} complete` });
  for (const part of PARTS) {
    if (group[part] === 0) continue;
    const segment = element('span', undefined, { class: `part ${part}`, title: `${part} ${group[part]}` });
    segment.style.flexGrow = String(group[part]);
    bar.append(segment);
  }
  const counts = element('div', undefined, { class: 'progress-counts' });
  for (const part of PARTS) counts.append(element('span', `${part} ${group[part]}`, { class: `count ${part}`, 'data-part': part }));
  item.append(title, bar, counts);
  return item;
}
