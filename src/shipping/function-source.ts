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
  /** The object literal a method's shorthand was wrapped in; undefined for any other form. */
  wrapper: Node | undefined;
  /** A class (always strict, and its name is its own inside it). */
  isClass: boolean;
  /** Where the function's own text starts in `expression`. */
  textStart: number;
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
  if (direct) {
    const isClass = (direct as unknown as { body: [{ expression: { type: string } }] }).body[0].expression.type === 'ClassExpression';
    return { expression: asExpression, ast: direct, wrapper: undefined, isClass, textStart: 1 };
  }
  const asMethod = `({ ${text} })[${JSON.stringify(name)}]`;
  const method = tryParse(asMethod);
  if (!method) return undefined;
  if (!isPlainMethodNamed(method, name)) return 'accessor';
  return { expression: asMethod, ast: method, wrapper: wrapperOf(method), isClass: false, textStart: '({ '.length };
}

function wrapperOf(program: Node): Node & { properties: MethodProperty[] } {
  return (program as unknown as { body: [{ expression: { object: Node & { properties: MethodProperty[] } } }] }).body[0].expression.object;
}

/** Is the wrapped object's one property an ordinary method whose key is `name`? */
function isPlainMethodNamed(program: Node, name: string): boolean {
  const property = wrapperOf(program).properties[0];
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
