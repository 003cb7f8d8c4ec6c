/**
 * What nimbus knows of a script a function was written in: its URL, whether it is strict, and
 * which of its top-level names are imports (read from its text) or, for a script nimbus itself
 * made by rebuilding a shipped function, which were imports or the client there. Once per script
 * per thread.
 */
import { pathToFileURL } from 'node:url';
import type { ShippedNode } from '../types/shipped-function.js';
import { readModuleFacts, type ImportBinding } from './module-imports.js';
import type { FunctionInspector } from './scope-reader.js';
import { SHIPPED_SCRIPT_PREFIX, shippedMarkerOf, shippedScript } from './shipped-scripts.js';

export interface ScriptInfo {
  readonly url: string;
  readonly isModule: boolean;
  readonly strict: boolean;
  /** The module its functions were written in: itself, or for a rebuilt script the original. */
  readonly module: string | undefined;
  readonly imports: ReadonlyMap<string, ImportBinding>;
  /** Local name → export names, for an ES module. */
  readonly exports: ReadonlyMap<string, readonly string[]>;
  readonly specials: ReadonlyMap<string, ShippedNode>;
  /** The script's text, where its functions' positions are read (source-origin.ts); '' for a rebuilt one. */
  readonly source: string;
}

const NONE = new Map<never, never>();
const known = new Map<string, ScriptInfo>();

export function scriptInfo(inspector: FunctionInspector, scriptId: string): ScriptInfo {
  let info = known.get(scriptId);
  if (!info) {
    info = readScriptInfo(inspector, scriptId);
    known.set(scriptId, info);
  }
  return info;
}

function readScriptInfo(inspector: FunctionInspector, scriptId: string): ScriptInfo {
  const script = inspector.script(scriptId);
  // A rebuilt function's script is named by its marker, or (with no origin known) by its URL.
  const shippedUrl = script.url.startsWith(SHIPPED_SCRIPT_PREFIX) ? script.url : shippedMarkerOf(script.source);
  if (shippedUrl !== undefined) {
    const shipped = shippedScript(shippedUrl);
    return {
      url: shippedUrl,
      source: '',
      isModule: false,
      strict: shipped?.strict ?? false,
      module: shipped?.module,
      imports: NONE,
      exports: NONE,
      specials: shipped?.specials ?? NONE,
    };
  }
  const facts = readModuleFacts(script.source, script.isModule);
  return {
    url: script.url,
    isModule: script.isModule,
    strict: facts.strict,
    module: asModuleUrl(script.url),
    imports: facts.imports,
    exports: facts.exports,
    specials: NONE,
    source: script.source,
  };
}

/** A script's URL as `import()` would take it; a bare path (as some loaders name scripts) made a file URL. */
function asModuleUrl(url: string): string | undefined {
  if (url.startsWith('/')) return pathToFileURL(url).href;
  return /^[a-z][a-z0-9+.-]*:/i.test(url) ? url : undefined;
}
