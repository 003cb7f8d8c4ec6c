// The stored files, listed when the page opens and when asked: listing a remote store costs requests.

import { getJson } from './api-client.js%QUERY%';
import { $, element, showError } from './page-elements.js%QUERY%';

export async function refreshFiles() {
  try {
    const names = await getJson('/api/files');
    showError('#files-error', undefined);
    $('#files').replaceChildren(...names.map((name) => element('li', name)));
    $('#files-empty').hidden = names.length > 0;
  } catch (error) {
    showError('#files-error', error);
  }
}
