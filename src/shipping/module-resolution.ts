/**
 * Resolves an import specifier as Node's ES module loader would from a given module, so that a
 * worker imports exactly the file the function's own module imported. Node 20 offers no API for
 * "resolve from that module" (`import.meta.resolve` only resolves from the caller); the
 * import-meta-resolve package implements Node's algorithm for any parent. It never guesses: what
 * it cannot resolve, it says so (undefined).
 */
import { resolve } from 'import-meta-resolve';

/** The URL `specifier` names when imported from `parent`, or undefined when it cannot be resolved. */
export function resolveSpecifier(specifier: string, parent: string): string | undefined {
  try {
    return resolve(specifier, parent);
  } catch {
    return undefined;
  }
}
