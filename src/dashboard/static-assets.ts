/**
 * The files of the page: its HTML, script and style (src/dashboard/static, copied next to the
 * compiled server by the build), and the formatting module the script shares with the CLI. Read
 * once when the dashboard starts, so a missing one fails the start, not a page load.
 */
import { readFile } from 'node:fs/promises';

export interface Asset {
  readonly type: string;
  /** The body; for the HTML, with the request's token written into the addresses it loads. */
  body(query: string): string;
}

const QUERY_PLACEHOLDER = /%QUERY%/g; // in index.html: where the script and style addresses take ?token=
const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=.*\n?$/; // the map is not served

const FILES: Readonly<Record<string, { url: URL; type: string }>> = {
  '/': { url: new URL('./static/index.html', import.meta.url), type: 'text/html; charset=utf-8' },
  '/app.js': { url: new URL('./static/app.js', import.meta.url), type: 'text/javascript; charset=utf-8' },
  '/style.css': { url: new URL('./static/style.css', import.meta.url), type: 'text/css; charset=utf-8' },
  '/human-units.js': { url: new URL('../format/human-units.js', import.meta.url), type: 'text/javascript; charset=utf-8' },
};

export async function loadAssets(): Promise<ReadonlyMap<string, Asset>> {
  const assets = new Map<string, Asset>();
  for (const [path, { url, type }] of Object.entries(FILES)) {
    const text = (await readFile(url, 'utf8')).replace(SOURCE_MAP_COMMENT, '\n');
    const templated = QUERY_PLACEHOLDER.test(text);
    assets.set(path, { type, body: templated ? (query) => text.replace(QUERY_PLACEHOLDER, escapeAttribute(query)) : () => text });
  }
  return assets;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
