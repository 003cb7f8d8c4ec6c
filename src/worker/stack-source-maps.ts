/**
 * A job's stack frames through its file's source map (TypeScript's, a bundler's): a frame in a
 * file that rebuilt functions came from, whose source map nimbus was told of (source-origin.ts),
 * names the original file, line and column instead (`boom (/app/jobs.ts:4:9)`). A map that cannot
 * be read, or a position it does not cover, leaves the frame as it was. Maps are read once per
 * thread, when a stack first needs one.
 */
import { readFileSync } from 'node:fs';
import { SourceMap, type SourceMapPayload } from 'node:module';
import { fileURLToPath } from 'node:url';
import { sourceMapOfFile } from '../shipping/shipped-scripts.js';

/** `    at name (file:line:column)` or `    at file:line:column`. */
const FRAME = /^(\s+at (?:.*\()?)(.+):(\d+):(\d+)(\)?)$/;

const maps = new Map<string, { map: SourceMap; url: string } | undefined>();

export function mappedStack(stack: string): string {
  return stack
    .split('\n')
    .map((line) => mappedFrame(line))
    .join('\n');
}

function mappedFrame(line: string): string {
  const frame = FRAME.exec(line);
  if (frame === null) return line;
  const [, before, file, lineText, columnText, after] = frame as unknown as [string, string, string, string, string, string];
  const mapUrl = sourceMapOfFile(file);
  if (mapUrl === undefined) return line;
  const loaded = loadMap(mapUrl);
  if (loaded === undefined) return line;
  const entry = loaded.map.findEntry(Number(lineText) - 1, Number(columnText) - 1) as Partial<{
    originalSource: string;
    originalLine: number;
    originalColumn: number;
  }>;
  if (entry.originalSource === undefined || entry.originalLine === undefined || entry.originalColumn === undefined) return line;
  return `${before}${displayName(entry.originalSource, loaded.url)}:${entry.originalLine + 1}:${entry.originalColumn + 1}${after}`;
}

function loadMap(url: string): { map: SourceMap; url: string } | undefined {
  if (maps.has(url)) return maps.get(url);
  let loaded: { map: SourceMap; url: string } | undefined;
  try {
    const text = url.startsWith('data:') ? dataText(url) : readFileSync(fileURLToPath(url), 'utf8');
    loaded = { map: new SourceMap(JSON.parse(text) as SourceMapPayload), url };
  } catch {
    loaded = undefined;
  }
  maps.set(url, loaded);
  return loaded;
}

function dataText(url: string): string {
  const comma = url.indexOf(',');
  const data = url.slice(comma + 1);
  return url.slice(0, comma).endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
}

/** A source as a person reads it: a file's path, else the source as the map names it, resolved against the map. */
function displayName(source: string, mapUrl: string): string {
  try {
    const resolved = new URL(source, mapUrl);
    return resolved.protocol === 'file:' ? fileURLToPath(resolved) : resolved.href;
  } catch {
    return source;
  }
}
