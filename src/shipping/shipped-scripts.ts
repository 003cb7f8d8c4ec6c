/**
 * The scripts this thread made by rebuilding shipped functions, by their URL. A function written
 * inside a job (a child job's function) closes over the rebuilt function's variables; this
 * registry says which of them were imports or the job's client, so that shipping the child keeps
 * them so instead of copying what they hold.
 */
import type { ShippedNode } from '../types/shipped-function.js';

export const SHIPPED_SCRIPT_PREFIX = 'nimbus-shipped:';

export interface ShippedScript {
  readonly strict: boolean;
  /** The module the function was first written in. */
  readonly module: string | undefined;
  /** Its variables that are not plain values: imports, `import()`, the client, globals. */
  readonly specials: ReadonlyMap<string, ShippedNode>;
}

const scripts = new Map<string, ShippedScript>();

export function shippedScriptUrl(shippedId: string, index: number, name: string): string {
  return `${SHIPPED_SCRIPT_PREFIX}${shippedId}/${index}/${encodeURIComponent(name || 'anonymous')}`;
}

export function registerShippedScript(url: string, script: ShippedScript): void {
  scripts.set(url, script);
}

export function shippedScript(url: string): ShippedScript | undefined {
  return scripts.get(url);
}

/**
 * The comment that ends a rebuilt function's script when it carries its original file's name
 * (its origin): the script is still known for what it is, a rebuilt one, by this marker.
 */
export function shippedMarker(url: string): string {
  return `//# ${url}`;
}

const MARKER = /\/\/# (nimbus-shipped:\S+)/;

/** The rebuilt script's URL its text ends with, or undefined for any other text. */
export function shippedMarkerOf(source: string): string | undefined {
  return MARKER.exec(source.slice(-400))?.[1];
}

/** The source map of each file rebuilt functions were written in, by the name their frames show. */
const sourceMaps = new Map<string, string>();

export function registerSourceMap(file: string, sourceMap: string | undefined): void {
  if (sourceMap !== undefined) sourceMaps.set(file, sourceMap);
}

/** The source map (URL) of a file rebuilt functions were written in, if it has one. */
export function sourceMapOfFile(file: string): string | undefined {
  return sourceMaps.get(file);
}
