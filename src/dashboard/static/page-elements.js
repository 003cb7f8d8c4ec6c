// Building the page: every value is written as text (textContent), never as HTML, so a job's
// output, label or function name cannot turn into markup.

export const $ = (selector) => document.querySelector(selector);

export function element(tag, text, attributes = {}) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
  return node;
}

export function jobLink(jid) {
  return element('a', String(jid), { href: `#/jobs/${jid}` });
}

export function showError(selector, error) {
  $(selector).hidden = !error;
  $(selector).textContent = error ? String(error.message ?? error) : '';
}

export const COMPLETE = ['done', 'error', 'killed', 'stalled'];
