/** The names a function reads from outside itself, found by a scope analysis of its source. */
import type { Node } from 'acorn';
import { analyze } from 'periscopic';

export function collectFreeVariables(ast: Node): string[] {
  // periscopic works on any ESTree, which is what acorn produces.
  const { globals } = analyze(ast as Parameters<typeof analyze>[0]);
  return [...globals.keys()];
}
