/**
 * Turns a function's text into an expression that evaluates to the function, and parses it.
 * `fn.toString()` gives a declaration, an arrow, a class, or a method's shorthand (`area() {}`),
 * which is not an expression on its own: it is wrapped in an object and picked back out.
 */
import { parse, type Node } from 'acorn';

export interface FunctionSource {
  /** Evaluates to the function. */
  expression: string;
  /** The parsed expression. */
  ast: Node;
}

const PARSE_OPTIONS = { ecmaVersion: 'latest', sourceType: 'module' } as const;

/** Returns the source, or undefined when the text is not JavaScript nimbus can re-read. */
export function readFunctionSource(text: string, name: string): FunctionSource | undefined {
  const asExpression = `(${text})`;
  const direct = tryParse(asExpression);
  if (direct) return { expression: asExpression, ast: direct };
  const asMethod = `({ ${text} })[${JSON.stringify(name)}]`;
  const method = tryParse(asMethod);
  if (method) return { expression: asMethod, ast: method };
  return undefined;
}

function tryParse(code: string): Node | undefined {
  try {
    return parse(code, PARSE_OPTIONS);
  } catch {
    return undefined;
  }
}
