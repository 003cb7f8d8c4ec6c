/**
 * Where a shipped function's text was written: its file, and the line and column its text starts
 * at, so that the worker rebuilds it where its stack frames (and a debugger's breakpoints) name
 * that file and those lines. V8 tells a function's location; the text from
 * `Function.prototype.toString` is found in the script's source at or just before it.
 */
import type { SourceOrigin } from '../types/shipped-function.js';
import type { ScriptInfo } from './script-info.js';

/** How far before V8's location a function's text may start (`async function* name`, a method's modifiers). */
const LOOK_BACK = 200; // characters

const SOURCE_MAP_URL = /\/\/[#@] sourceMappingURL=(\S+)\s*$/;

export function sourceOriginOf(
  text: string,
  textStart: number,
  script: ScriptInfo | undefined,
  location: { line: number; column: number } | undefined,
): SourceOrigin | undefined {
  // A script with no name (an eval, the REPL) has no file to point at.
  if (script === undefined || location === undefined || script.source === '' || script.url === '') return undefined;
  const { source } = script;
  const at = offsetOf(source, location.line, location.column);
  if (at === undefined) return undefined;
  const found = source.lastIndexOf(text, at);
  const start = found >= 0 && found >= at - LOOK_BACK ? found : source.indexOf(text, at);
  if (start < 0 || start > at + LOOK_BACK) return undefined;
  const line = lineOf(source, start);
  return { url: script.url, line, column: start - lineStart(source, start), textStart, sourceMap: sourceMapOf(script) };
}

/** The script's source map, resolved against the script (a file or data: URL); undefined when it names none. */
function sourceMapOf(script: ScriptInfo): string | undefined {
  const named = SOURCE_MAP_URL.exec(script.source.slice(-2000))?.[1];
  if (named === undefined) return undefined;
  try {
    const base = script.module ?? script.url;
    return new URL(named, base).href;
  } catch {
    return undefined;
  }
}

function offsetOf(source: string, line: number, column: number): number | undefined {
  let offset = 0;
  for (let i = 0; i < line; i++) {
    offset = source.indexOf('\n', offset) + 1;
    if (offset === 0) return undefined;
  }
  return offset + column;
}

function lineOf(source: string, offset: number): number {
  let line = 0;
  for (let i = source.indexOf('\n'); i >= 0 && i < offset; i = source.indexOf('\n', i + 1)) line++;
  return line;
}

function lineStart(source: string, offset: number): number {
  return source.lastIndexOf('\n', offset - 1) + 1;
}
