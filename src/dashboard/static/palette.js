// The colours of the charts: one per status (the same words as the tables' colours in style.css),
// and one per function name, stable across reloads (a hash picks a hue), so a function keeps its
// colour while the page runs and the next time it is opened, and never looks like a status.

export const STATUS_COLORS = {
  done: '#2f9e5b',
  error: '#d63c3c',
  killed: '#8c5a5a',
  stalled: '#b08a8a',
  processing: '#3b7dd8',
  queued: '#a0a7b4',
  waiting: '#c8ccd4',
};

export function statusColor(status) {
  return STATUS_COLORS[status] ?? '#888888';
}

// Tableau's ten, less its green and red: those read as done and error.
const FUNCTION_COLORS = ['#4e79a7', '#f28e2b', '#76b7b2', '#b07aa1', '#edc948', '#9c755f', '#ff9da7', '#bab0ac'];

export function functionColor(name) {
  let hash = 0;
  for (const char of name) hash = (Math.imul(hash, 31) + char.codePointAt(0)) | 0;
  return FUNCTION_COLORS[Math.abs(hash) % FUNCTION_COLORS.length];
}
