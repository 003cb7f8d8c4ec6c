/**
 * What a function's source says about the world outside it: the names it reads without declaring
 * them (a scope analysis, periscopic), and the few things that are not names but still reach out:
 * `import()` calls, and an arrow's `this` or `arguments`, which belong to the code around it.
 */
import type { Node } from 'acorn';
import { analyze } from 'periscopic';

export interface SourceFacts {
  /** Names read but not declared in the function. */
  readonly free: readonly string[];
  /** Names used only as `typeof name`, which is safe even where the name is undefined. */
  readonly typeofOnly: ReadonlySet<string>;
  /** Offsets of the `import` keyword of each `import(...)` call. */
  readonly dynamicImports: readonly number[];
  /** `this`, `arguments`, `super` or `new.target` used where they mean the enclosing function's. */
  readonly lexicalContext: string | undefined;
}

/** Nodes that give the code inside them its own `this` and `arguments` (an arrow does not). */
const OWN_THIS = new Set(['FunctionExpression', 'FunctionDeclaration', 'ClassBody']);
/** Nodes that give the code inside them its own `super`: a class, or a method of an object it creates. */
const OWN_SUPER = new Set(['ClassBody', 'Property']);

interface AnyNode {
  type: string;
  start: number;
  [key: string]: unknown;
}

/**
 * @param ast the parsed expression of the function
 * @param wrapper the object literal a method's shorthand was wrapped in to parse it, whose
 *   `super` would not be the method's own
 */
export function readSourceFacts(ast: Node, wrapper: Node | undefined): SourceFacts {
  const { globals } = analyze(ast as Parameters<typeof analyze>[0]);
  const typeofNames = new Set<string>();
  const otherNames = new Set<string>();
  const dynamicImports: number[] = [];
  let lexicalContext: string | undefined;
  const visit = (node: AnyNode, ownThis: boolean, ownSuper: boolean, parent: AnyNode | undefined): void => {
    switch (node.type) {
      case 'ImportExpression':
        dynamicImports.push(node.start);
        break;
      case 'ThisExpression':
        if (!ownThis) lexicalContext ??= 'this';
        break;
      case 'Super':
        if (!ownSuper) lexicalContext ??= 'super';
        break;
      case 'MetaProperty':
        if (!ownThis && (node.meta as AnyNode & { name: string }).name === 'new') lexicalContext ??= 'new.target';
        break;
      case 'Identifier': {
        const name = (node as AnyNode & { name: string }).name;
        if (!globals.has(name)) break;
        if (name === 'arguments' && !ownThis) lexicalContext ??= 'arguments';
        const underTypeof = parent?.type === 'UnaryExpression' && parent.operator === 'typeof';
        (underTypeof ? typeofNames : otherNames).add(name);
        break;
      }
    }
    const thisInside = ownThis || OWN_THIS.has(node.type);
    const superInside = ownSuper || (OWN_SUPER.has(node.type) && parent !== (wrapper as unknown));
    for (const key of Object.keys(node)) {
      const child = node[key];
      if (Array.isArray(child)) {
        for (const item of child) if (isNode(item)) visit(item, thisInside, superInside, node);
      } else if (isNode(child)) {
        visit(child, thisInside, superInside, node);
      }
    }
  };
  visit(ast as unknown as AnyNode, false, false, undefined);
  return {
    free: [...globals.keys()],
    typeofOnly: new Set([...typeofNames].filter((name) => !otherNames.has(name))),
    dynamicImports,
    lexicalContext,
  };
}

function isNode(value: unknown): value is AnyNode {
  return typeof value === 'object' && value !== null && typeof (value as AnyNode).type === 'string';
}
