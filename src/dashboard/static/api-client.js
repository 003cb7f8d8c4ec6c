// How the page talks to its server: every request carries the dashboard's token when it has one
// ('?token=...' in the page's own address), reads JSON, and turns a refusal into an Error that
// says why.

const token = new URLSearchParams(new URL(import.meta.url).search).get('token');

export function apiUrl(path, params = {}) {
  const url = new URL(path, location.origin);
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') url.searchParams.set(key, value);
  if (token) url.searchParams.set('token', token);
  return url;
}

async function answer(response) {
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ?? response.statusText);
  return body;
}

export async function getJson(path, params) {
  return answer(await fetch(apiUrl(path, params)));
}

/** Kill and delete: POST, the only method the server takes for them. */
export async function postJson(path) {
  return answer(await fetch(apiUrl(path), { method: 'POST' }));
}
