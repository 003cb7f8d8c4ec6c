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

/**
 * Returns the source; 'accessor' for a getter, a setter or a method with a computed name (its
 * `name` is not its key, so it cannot be picked back out); undefined when the text is not
 * JavaScript nimbus can re-read.
 */
export function readFunctionSource(text: string, name: string): FunctionSource | 'accessor' | undefined {
  const asExpression = `(${text})`;
  const direct = tryParse(asExpression);
  if (direct) return { expression: asExpression, ast: direct };
  const asMethod = `({ ${text} })[${JSON.stringify(name)}]`;
  const method = tryParse(asMethod);
  if (!method) return undefined;
  return isPlainMethodNamed(method, name) ? { expression: asMethod, ast: method } : 'accessor';
}

/** Is the wrapped object's one property an ordinary method whose key is `name`? */
function isPlainMethodNamed(program: Node, name: string): boolean {
  const member = (program as unknown as { body: [{ expression: { object: { properties: MethodProperty[] } } }] })
    .body[0].expression.object;
  const property = member.properties[0];
  if (!property || property.kind !== 'init' || !property.method || property.computed) return false;
  const key = property.key.type === 'Identifier' ? property.key.name : String(property.key.value);
  return key === name;
}

interface MethodProperty {
  kind: 'init' | 'get' | 'set';
  method: boolean;
  computed: boolean;
  key: { type: string; name?: string; value?: unknown };
}

function tryParse(code: string): Node | undefined {
  try {
    return parse(code, PARSE_OPTIONS);
  } catch {
    return undefined;
  }
}
