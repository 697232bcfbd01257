// The canonical string of a layout named in an IDL (`[u8;4096]`, `{len:u16,data:[u8;2046]}`),
// evaluated statically from its declaration `type X = Infer<typeof X>` with
// `const X = struct({...})`. Types cannot tell u8 from u32; the canonical string can, and it
// is what the heap hashes into the type id, so it makes the interface digest exact.
import type * as ts from 'typescript';
import { declarationFile, inTrustedLibrary, resolveAlias } from './host.ts';
import type { PolicyHost } from './host.ts';

const prims: ReadonlySet<string> = new Set(['u8', 'i8', 'u16', 'i16', 'u32', 'i32', 'u64', 'i64', 'f32', 'f64', 'bool']);
const MAX_DEPTH = 32;

/** The canonical layout string for a type node naming a layout, or undefined when not static. */
export function layoutCanonical(host: PolicyHost, node: ts.Node | undefined): string | undefined {
  return fromTypeNode(host, node, 0);
}

function trustedSymbol(host: PolicyHost, node: ts.Node): ts.Symbol | undefined {
  const sym = host.checker.getSymbolAtLocation(node);
  if (sym === undefined) return undefined;
  const target = resolveAlias(host, sym);
  return inTrustedLibrary(host, declarationFile(target)) ? target : undefined;
}

function fromTypeNode(host: PolicyHost, node: ts.Node | undefined, depth: number): string | undefined {
  const t = host.ts;
  if (node === undefined || depth > MAX_DEPTH || !t.isTypeReferenceNode(node)) return undefined;
  const infer = trustedSymbol(host, node.typeName);
  if (infer !== undefined) {
    const arg = node.typeArguments?.[0];
    return infer.getName() === 'Infer' && arg !== undefined && t.isTypeQueryNode(arg) ? fromEntity(host, arg.exprName, depth + 1) : undefined;
  }
  const sym = host.checker.getSymbolAtLocation(node.typeName);
  const decl = sym === undefined ? undefined : resolveAlias(host, sym).declarations?.find((d) => t.isTypeAliasDeclaration(d));
  return decl !== undefined && t.isTypeAliasDeclaration(decl) && decl.typeParameters === undefined ? fromTypeNode(host, decl.type, depth + 1) : undefined;
}

function fromEntity(host: PolicyHost, name: ts.Node, depth: number): string | undefined {
  const t = host.ts;
  if (depth > MAX_DEPTH) return undefined;
  const lib = trustedSymbol(host, name);
  if (lib !== undefined) return prims.has(lib.getName()) ? lib.getName() : undefined;
  const sym = host.checker.getSymbolAtLocation(name);
  const decl = sym === undefined ? undefined : resolveAlias(host, sym).valueDeclaration;
  if (decl === undefined || !t.isVariableDeclaration(decl) || decl.initializer === undefined) return undefined;
  if (!(t.getCombinedNodeFlags(decl) & t.NodeFlags.Const)) return undefined;
  return fromExpression(host, decl.initializer, depth + 1);
}

function fromExpression(host: PolicyHost, e: ts.Expression, depth: number): string | undefined {
  const t = host.ts;
  if (depth > MAX_DEPTH) return undefined;
  if (t.isIdentifier(e) || t.isPropertyAccessExpression(e)) return fromEntity(host, e, depth + 1);
  if (!t.isCallExpression(e)) return undefined;
  const callee = trustedSymbol(host, e.expression)?.getName();
  const [a, b] = e.arguments;
  if (a === undefined) return undefined;
  if ((callee === 'rref' || callee === 'optionalRref') && e.arguments.length === 1) {
    const target = fromExpression(host, a, depth + 1);
    return target === undefined ? undefined : `${callee === 'rref' ? '&' : '&?'}${target}`;
  }
  if (callee === 'array' && b !== undefined && e.arguments.length === 2) {
    const elem = fromExpression(host, a, depth + 1);
    const n = constNumber(host, b, depth + 1);
    return elem === undefined || n === undefined ? undefined : `[${elem};${n}]`;
  }
  if (callee === 'struct' && e.arguments.length === 1 && t.isObjectLiteralExpression(a)) {
    const parts: string[] = [];
    for (const p of a.properties) {
      if (t.isPropertyAssignment(p) && (t.isIdentifier(p.name) || t.isStringLiteral(p.name))) {
        const v = fromExpression(host, p.initializer, depth + 1);
        if (v === undefined) return undefined;
        parts.push(`${p.name.text}:${v}`);
      } else if (t.isShorthandPropertyAssignment(p)) {
        const v = fromEntity(host, p.name, depth + 1);
        if (v === undefined) return undefined;
        parts.push(`${p.name.text}:${v}`);
      } else return undefined;
    }
    return `{${parts.join(',')}}`;
  }
  return undefined;
}

function constNumber(host: PolicyHost, e: ts.Expression, depth: number): number | undefined {
  const t = host.ts;
  if (t.isNumericLiteral(e)) return Number(e.text);
  const type = host.checker.getTypeAtLocation(e);
  if (depth <= MAX_DEPTH && type.flags & t.TypeFlags.NumberLiteral) return (type as ts.NumberLiteralType).value;
  return undefined;
}
