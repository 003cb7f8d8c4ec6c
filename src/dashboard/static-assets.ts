/**
 * The files of the page: its HTML, script modules and style (every file of src/dashboard/static,
 * copied next to the compiled server by the build), the formatting module the script shares with
 * the CLI, and Chart.js from the package's own dependency (never a CDN: a dashboard may run where
 * there is no internet). Read once when the dashboard starts, so a missing one fails the start,
 * not a page load.
 */
import { readdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface Asset {
  readonly type: string;
  /** The body; for the HTML and the modules, with the request's token written into the addresses they load. */
  body(query: string): string;
}

// In index.html and the modules: where the addresses they load take ?token=. The query is made of
// letters, digits and %XX only (server.ts), so it is safe in an attribute and in a string alike.
const QUERY_PLACEHOLDER = '%QUERY%';
const SOURCE_MAP_COMMENT = /\n\/\/# sourceMappingURL=.*\n?$/; // the map is not served
const STATIC_DIR = new URL('./static/', import.meta.url);

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

/** Files from elsewhere, by the address the page loads them from. */
function otherFiles(): Record<string, URL> {
  // chart.js exports no path to its UMD build: it sits beside the CommonJS entry the package names.
  const chartEntry = createRequire(import.meta.url).resolve('chart.js');
  return {
    '/human-units.js': new URL('../format/human-units.js', import.meta.url),
    '/chart.umd.js': new URL('./chart.umd.js', pathToFileURL(chartEntry)),
  };
}

export async function loadAssets(): Promise<ReadonlyMap<string, Asset>> {
  const files = otherFiles();
  for (const name of await readdir(STATIC_DIR)) {
    if (TYPES[extname(name)]) files[name === 'index.html' ? '/' : `/${name}`] = new URL(name, STATIC_DIR);
  }
  const assets = new Map<string, Asset>();
  for (const [path, url] of Object.entries(files)) {
    const text = (await readFile(url, 'utf8')).replace(SOURCE_MAP_COMMENT, '\n');
    const type = TYPES[extname(url.pathname)]!;
    assets.set(path, { type, body: text.includes(QUERY_PLACEHOLDER) ? (query) => text.replaceAll(QUERY_PLACEHOLDER, query) : () => text });
  }
  return assets;
}
