/**
 * What a module's own text says about its top-level names: which are imports (and of what), which
 * are exported (and under which names), and whether its code is strict. Read once per module,
 * from the text this thread runs; it never loads or runs anything.
 */
import { parse, type Node } from 'acorn';

export interface ImportBinding {
  readonly specifier: string;
  /** The export it names: a name, 'default', or '*' for the namespace. */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>> | undefined;
}

export interface ModuleFacts {
  readonly strict: boolean;
  /** Local name → what it imports. */
  readonly imports: ReadonlyMap<string, ImportBinding>;
  /** Local name → the names it is exported under. */
  readonly exports: ReadonlyMap<string, readonly string[]>;
}

const NOTHING: ModuleFacts = { strict: false, imports: new Map(), exports: new Map() };

export function readModuleFacts(source: string, isModule: boolean): ModuleFacts {
  let program: Program;
  try {
    program = parse(source, {
      ecmaVersion: 'latest',
      sourceType: isModule ? 'module' : 'script',
      allowHashBang: true,
      allowReturnOutsideFunction: true,
    }) as unknown as Program;
  } catch {
    return NOTHING;
  }
  const imports = new Map<string, ImportBinding>();
  const exports = new Map<string, string[]>();
  const exportAs = (local: string, exported: string) => exports.set(local, [...(exports.get(local) ?? []), exported]);
  for (const statement of program.body) {
    if (statement.type === 'ImportDeclaration') {
      const attributes = readAttributes(statement.attributes);
      for (const specifier of statement.specifiers) {
        imports.set(specifier.local.name, { specifier: statement.source!.value, name: importedName(specifier), attributes });
      }
    } else if (statement.type === 'ExportNamedDeclaration' && !statement.source) {
      for (const name of declaredNames(statement.declaration)) exportAs(name, name);
      for (const specifier of statement.specifiers) exportAs(specifier.local.name, nameOf(specifier.exported));
    } else if (statement.type === 'ExportDefaultDeclaration') {
      const declaration = statement.declaration;
      const local = declaration.type === 'Identifier' ? declaration.name : declaration.id?.name;
      if (local) exportAs(local, 'default');
    }
  }
  return { strict: isModule || hasUseStrict(program.body), imports, exports };
}

function importedName(specifier: ImportSpecifier): string {
  switch (specifier.type) {
    case 'ImportDefaultSpecifier':
      return 'default';
    case 'ImportNamespaceSpecifier':
      return '*';
    default:
      return nameOf(specifier.imported!);
  }
}

function readAttributes(attributes: Attribute[] | undefined): Record<string, string> | undefined {
  if (!attributes || attributes.length === 0) return undefined;
  return Object.fromEntries(attributes.map((attribute) => [nameOf(attribute.key), String(attribute.value.value)]));
}

function declaredNames(declaration: Declaration | null | undefined): string[] {
  if (!declaration) return [];
  if (declaration.type === 'VariableDeclaration') {
    return declaration.declarations.flatMap((declarator) => (declarator.id.type === 'Identifier' ? [declarator.id.name] : []));
  }
  return declaration.id ? [declaration.id.name] : [];
}

function hasUseStrict(body: Statement[]): boolean {
  for (const statement of body) {
    if (statement.type !== 'ExpressionStatement' || statement.directive === undefined) return false;
    if (statement.directive === 'use strict') return true;
  }
  return false;
}

function nameOf(node: { type: string; name?: string; value?: unknown }): string {
  return node.type === 'Identifier' ? node.name! : String(node.value);
}

// The few ESTree shapes read here (acorn's own types are looser than these reads need).
interface Program extends Node {
  body: Statement[];
}
type Statement = Node & {
  type: string;
  directive?: string;
  source?: { value: string } | null;
  specifiers: (ImportSpecifier & { exported: { type: string; name?: string; value?: unknown } })[];
  attributes?: Attribute[];
  declaration: Declaration & { type: string; name?: string; id?: { name: string } | null };
};
interface ImportSpecifier {
  type: 'ImportSpecifier' | 'ImportDefaultSpecifier' | 'ImportNamespaceSpecifier';
  local: { name: string };
  imported?: { type: string; name?: string; value?: unknown };
}
interface Attribute {
  key: { type: string; name?: string; value?: unknown };
  value: { value: unknown };
}
type Declaration = { type: string; id?: { name: string } | null; declarations: { id: { type: string; name: string } }[] };
