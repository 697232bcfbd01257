// crossing-exchangeable: what an IDL method may take or return (invariant I1). Primitives are
// copied, handles moved or lent, @idl interfaces passed as stubs, records copied field by field;
// nothing else crosses. Library types are recognised by their declaring file.
import type * as ts from 'typescript';
import { declarationFile, handleNames, inTrustedLibrary, isBuiltin, isTrusted, repoRelative, resolveAlias } from './host.ts';
import type { PolicyHost } from './host.ts';
import { layoutCanonical } from './canonical.ts';
import { declaredTypeNode, keyText, layoutExchangeable, primitiveFlags, stringKey } from './layout.ts';
import type { CrossingType, HandleCrossing, LayoutType, RecordField } from './shapes.ts';
import { accept, reject } from './verdict.ts';
import type { Verdict } from './verdict.ts';

const HERE = 'cannot cross a domain boundary';

/** Where a crossing type sits; Borrowed is meaningful only for a parameter. */
export type Position = 'parameter' | 'result' | 'field';

const forbiddenFieldNames: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

export interface MethodResult {
  readonly mode: 'sync' | 'async';
  readonly value: CrossingType;
}

export function crossingExchangeable(host: PolicyHost, type: ts.Type, node: ts.Node | undefined, path: readonly string[], position: Position): Verdict<CrossingType> {
  return new CrossingWalk(host).value(type, node, path, position);
}

/** A method's result: RpcResult<T> (sync) or Promise<RpcResult<T>> (async), T crossing-exchangeable. */
export function methodResult(host: PolicyHost, type: ts.Type, node: ts.TypeNode | undefined, path: readonly string[]): Verdict<MethodResult> {
  const { ts: t, checker } = host;
  let mode: 'sync' | 'async' = 'sync';
  let inner = type;
  let innerNode: ts.Node | undefined = node;
  const sym = type.getSymbol();
  if (sym !== undefined && sym.getName() === 'Promise' && isBuiltin(sym) && type.flags & t.TypeFlags.Object && (type as ts.ObjectType).objectFlags & t.ObjectFlags.Reference) {
    const arg = checker.getTypeArguments(type as ts.TypeReference)[0];
    if (arg === undefined) return reject(path, 'Promise without a value type', node);
    mode = 'async';
    inner = arg;
    innerNode = node !== undefined && t.isTypeReferenceNode(node) && node.typeName.getText() === 'Promise' ? node.typeArguments?.[0] : undefined;
  }
  const value = rpcResultValue(host, inner);
  if (value === undefined) {
    const what = mode === 'async' ? 'an asynchronous method must return Promise<RpcResult<T>>' : 'a method must return RpcResult<T> (or Promise<RpcResult<T>>)';
    return reject(path, `${what}, not '${checker.typeToString(inner)}'`, innerNode ?? node);
  }
  const v = new CrossingWalk(host).value(value, typeArgumentNode(host, libraryReference(host, innerNode), 0), [...path, 'RpcResult value'], 'result');
  return v.ok ? accept({ mode, value: v.value }) : v;
}

/**
 * T when the type is the library's RpcResult<T>, also under another alias name (TypeScript
 * names `type R = RpcResult<T>` after R): the union of the trusted RpcOk<T> and RpcErr.
 */
export function rpcResultValue(host: PolicyHost, type: ts.Type): ts.Type | undefined {
  if (isTrusted(host, type.aliasSymbol, 'RpcResult')) return type.aliasTypeArguments?.[0];
  if (!(type.flags & host.ts.TypeFlags.Union)) return undefined;
  const parts = (type as ts.UnionType).types;
  if (parts.length !== 2) return undefined;
  const okPart = parts.find((p) => isTrusted(host, p.aliasSymbol, 'RpcOk'));
  const errPart = parts.find((p) => isTrusted(host, p.aliasSymbol, 'RpcErr'));
  return okPart !== undefined && errPart !== undefined ? okPart.aliasTypeArguments?.[0] : undefined;
}

/** The node when it names a trusted library type directly, so its type arguments are the library's own. */
export function libraryReference(host: PolicyHost, node: ts.Node | undefined): ts.TypeReferenceNode | undefined {
  if (node === undefined || !host.ts.isTypeReferenceNode(node)) return undefined;
  const sym = host.checker.getSymbolAtLocation(node.typeName);
  return sym !== undefined && inTrustedLibrary(host, declarationFile(resolveAlias(host, sym))) ? node : undefined;
}

export function typeArgumentNode(host: PolicyHost, node: ts.Node | undefined, index: number): ts.TypeNode | undefined {
  if (node === undefined || !host.ts.isTypeReferenceNode(node)) return undefined;
  return node.typeArguments?.[index];
}

/** True when the type reference node names the trusted Borrowed alias. */
function isBorrowedNode(host: PolicyHost, node: ts.Node | undefined): node is ts.TypeReferenceNode {
  if (node === undefined || !host.ts.isTypeReferenceNode(node)) return false;
  return isTrusted(host, host.checker.getSymbolAtLocation(node.typeName), 'Borrowed');
}

/** True when the node names a domain's own alias whose body is Borrowed<...>: hidden lending. */
function aliasesBorrowed(host: PolicyHost, node: ts.Node | undefined): boolean {
  const t = host.ts;
  if (node === undefined || !t.isTypeReferenceNode(node)) return false;
  const sym = host.checker.getSymbolAtLocation(node.typeName);
  if (sym === undefined) return false;
  const decl = resolveAlias(host, sym).declarations?.[0];
  return decl !== undefined && t.isTypeAliasDeclaration(decl) && isBorrowedNode(host, decl.type);
}

/** A reference to a domain's own declaration named like a trusted one (RRef, Borrowed...). */
function lookAlikeName(host: PolicyHost, node: ts.Node | undefined): string | undefined {
  const t = host.ts;
  if (node === undefined || !t.isTypeReferenceNode(node)) return undefined;
  const name = t.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.right.text;
  const sym = host.checker.getSymbolAtLocation(node.typeName);
  if (sym === undefined) return undefined;
  const target = resolveAlias(host, sym);
  if (!handleNames.has(target.getName()) && !handleNames.has(name)) return undefined;
  const file = declarationFile(target);
  if (file === undefined || inTrustedLibrary(host, file)) return undefined;
  return `'${name}' is a look-alike declared in ${repoRelative(host, file)}, not the trusted library's (runtime/lib): it ${HERE}`;
}

function literalKind(host: PolicyHost, type: ts.Type): string | undefined {
  const t = host.ts;
  if (type.flags & t.TypeFlags.NumberLiteral || type.flags & t.TypeFlags.EnumLike) return 'number';
  if (type.flags & t.TypeFlags.BigIntLiteral) return 'bigint';
  if (type.flags & t.TypeFlags.StringLiteral || type.flags & t.TypeFlags.TemplateLiteral) return 'string';
  if (type.flags & t.TypeFlags.BooleanLiteral) return 'boolean';
  return undefined;
}

class CrossingWalk {
  readonly #host: PolicyHost;
  readonly #active = new Set<ts.Type>();

  constructor(host: PolicyHost) {
    this.#host = host;
  }

  value(type: ts.Type, node: ts.Node | undefined, path: readonly string[], position: Position): Verdict<CrossingType> {
    const host = this.#host;
    const { ts: t, checker } = host;
    if (isBorrowedNode(host, node)) {
      if (position !== 'parameter') return reject(path, 'Borrowed lends a parameter for one call; it cannot be a result or a record field', node);
      const innerNode = node.typeArguments?.[0];
      const inner = innerNode === undefined ? undefined : checker.getTypeFromTypeNode(innerNode);
      const handle = inner === undefined ? undefined : this.handle(inner, innerNode, [...path, 'Borrowed']);
      if (handle === undefined) return reject([...path, 'Borrowed'], 'only a handle (RRef, RRefVec, RRefArray, RRefDeque) can be lent', innerNode ?? node);
      return handle.ok ? accept({ kind: 'borrowed', handle: handle.value }) : handle;
    }
    const lookAlike = lookAlikeName(host, node);
    if (lookAlike !== undefined) return reject(path, lookAlike, node);
    if (aliasesBorrowed(host, node)) return reject(path, 'write Borrowed<...> directly: an alias hides from the IDL compiler that the handle is lent', node);
    const f = type.flags;
    if (rpcResultValue(host, type) !== undefined) return reject(path, 'RpcResult is only a method\'s result, never a value inside one', node);
    if (f & t.TypeFlags.Any) return reject(path, `'any' ${HERE} (nothing is known about it)`, node);
    if (f & t.TypeFlags.Unknown) return reject(path, `'unknown' ${HERE} (nothing is known about it)`, node);
    if (f & t.TypeFlags.Never) return reject(path, "'never' has no values", node);
    if (f & t.TypeFlags.Union && !(f & t.TypeFlags.Boolean)) return reject(path, `unions ${HERE} (declare one type per parameter or field)`, node);
    if (f & t.TypeFlags.Boolean) return accept({ kind: 'boolean' });
    if (f & t.TypeFlags.Number) return accept({ kind: 'number' });
    if (f & t.TypeFlags.BigInt) return accept({ kind: 'bigint' });
    if (f & t.TypeFlags.String) return accept({ kind: 'string' });
    if (f & t.TypeFlags.Undefined) return accept({ kind: 'undefined' });
    const lit = literalKind(host, type);
    if (lit !== undefined) return reject(path, `literal and enum types ${HERE} (the receiver cannot trust them; use '${lit}')`, node);
    if (f & t.TypeFlags.Void) return reject(path, `'void' ${HERE} (use undefined)`, node);
    if (f & t.TypeFlags.Null) return reject(path, `'null' ${HERE} (use undefined)`, node);
    if (f & t.TypeFlags.ESSymbolLike) return reject(path, `symbols ${HERE} (they are identities of one realm)`, node);
    if (f & t.TypeFlags.NonPrimitive) return reject(path, `'object' ${HERE} (declare a record type)`, node);
    if (f & t.TypeFlags.Intersection && (type as ts.IntersectionType).types.some((p) => p.flags & primitiveFlags(t))) {
      return reject(path, `branded primitives ${HERE} (the brand cannot be checked at the boundary)`, node);
    }
    const handle = this.handle(type, node, path);
    if (handle !== undefined) return handle;
    return this.object(type, node, path);
  }

  /** A trusted handle type, its violation, or undefined when the type is no handle at all. */
  private handle(type: ts.Type, node: ts.Node | undefined, path: readonly string[]): Verdict<HandleCrossing> | undefined {
    const host = this.#host;
    const { checker } = host;
    const sym = type.getSymbol();
    if (sym === undefined) return undefined;
    const argsNode = libraryReference(host, node);
    const args = checker.isArrayType(type) ? [] : (type.flags & host.ts.TypeFlags.Object && (type as ts.ObjectType).objectFlags & host.ts.ObjectFlags.Reference ? checker.getTypeArguments(type as ts.TypeReference) : []);
    const layoutArg = (i: number, what: string): Verdict<LayoutType> => {
      const arg = args[i];
      const argNode = typeArgumentNode(host, argsNode, i);
      if (arg === undefined) return reject(path, `${what} without a layout type`, node);
      const shape = layoutExchangeable(host, arg, [...path, `${what} layout`], argNode ?? node);
      if (!shape.ok) return shape;
      const text = argNode !== undefined ? argNode.getText().replace(/\s+/g, ' ') : checker.typeToString(arg, undefined, host.ts.TypeFormatFlags.NoTruncation);
      const canonical = layoutCanonical(host, argNode);
      return accept(canonical === undefined ? { text, shape: shape.value } : { text, canonical, shape: shape.value });
    };
    const count = (i: number, what: string): Verdict<number> => {
      const arg = args[i];
      if (arg === undefined || !(arg.flags & host.ts.TypeFlags.NumberLiteral)) return reject(path, `the ${what} of a handle must be a number literal (it is part of the interface)`, typeArgumentNode(host, argsNode, i) ?? node);
      const n = (arg as ts.NumberLiteralType).value;
      if (!Number.isSafeInteger(n) || n < 0) return reject(path, `the ${what} must be a non-negative integer`, typeArgumentNode(host, argsNode, i) ?? node);
      return accept(n);
    };
    if (isTrusted(host, sym, 'RRefImpl')) {
      const l = layoutArg(0, 'RRef');
      return l.ok ? accept({ kind: 'rref', layout: l.value }) : l;
    }
    if (isTrusted(host, sym, 'RRefVecImpl')) {
      const e = args[0];
      const f = e?.flags ?? 0;
      const ts_ = host.ts;
      if (f & ts_.TypeFlags.Number) return accept({ kind: 'rrefvec', element: 'number' });
      if (f & ts_.TypeFlags.BigInt) return accept({ kind: 'rrefvec', element: 'bigint' });
      if (f & ts_.TypeFlags.Boolean) return accept({ kind: 'rrefvec', element: 'boolean' });
      return reject([...path, 'RRefVec element'], 'an RRefVec holds number, bigint or boolean', typeArgumentNode(host, argsNode, 0) ?? node);
    }
    if (isTrusted(host, sym, 'RRefArrayImpl') || isTrusted(host, sym, 'RRefDequeImpl')) {
      const isArray = sym.getName() === 'RRefArrayImpl';
      const l = layoutArg(0, isArray ? 'RRefArray' : 'RRefDeque');
      if (!l.ok) return l;
      const n = count(1, isArray ? 'length' : 'capacity');
      if (!n.ok) return n;
      return accept(isArray ? { kind: 'rrefarray', layout: l.value, length: n.value } : { kind: 'rrefdeque', layout: l.value, capacity: n.value });
    }
    const named = type.aliasSymbol?.getName() ?? sym.getName();
    if (handleNames.has(named) || handleNames.has(sym.getName())) {
      const file = declarationFile(sym);
      return reject(path, `'${named}' is a look-alike declared in ${file === undefined ? 'an unknown file' : repoRelative(host, file)}, not the trusted library's (runtime/lib): it ${HERE}`, node);
    }
    return undefined;
  }

  private object(type: ts.Type, node: ts.Node | undefined, path: readonly string[]): Verdict<CrossingType> {
    const host = this.#host;
    const { ts: t, checker } = host;
    const sym = type.getSymbol();
    if (checker.isArrayType(type) || checker.isTupleType(type)) return reject(path, `arrays ${HERE} (move an RRefVec, RRefArray or RRefDeque)`, node);
    if (checker.getSignaturesOfType(type, t.SignatureKind.Call).length > 0) return reject(path, `function types ${HERE}`, node);
    if (checker.getSignaturesOfType(type, t.SignatureKind.Construct).length > 0) return reject(path, `constructors ${HERE}`, node);
    if (isBuiltin(sym)) return reject(path, `built-in '${sym!.getName()}' ${HERE} (its methods and prototype belong to the sender's realm)`, node);
    const decl = sym?.declarations?.[0];
    if (sym !== undefined && sym.flags & t.SymbolFlags.Class) return reject(path, `class instances ${HERE} (their prototype belongs to the sender's realm)`, node);
    if (sym !== undefined && sym.flags & t.SymbolFlags.Interface && decl !== undefined && t.isInterfaceDeclaration(decl)) {
      if (hasTag(host, decl, 'idl')) return accept({ kind: 'interface', name: sym.getName() });
      return reject(path, `interface '${sym.getName()}' is not tagged @idl: only @idl interfaces cross by reference (declare records with 'type')`, node);
    }
    if (checker.getIndexInfosOfType(type).length > 0) return reject(path, `index signatures ${HERE} (a record has a fixed set of fields)`, node);
    const alias = type.aliasSymbol;
    if (alias === undefined) return reject(path, `anonymous object types ${HERE} (declare the record as a named type alias)`, node);
    if (!(type.flags & (t.TypeFlags.Object | t.TypeFlags.Intersection))) return reject(path, `'${checker.typeToString(type)}' ${HERE}`, node);
    return this.record(type, alias, node, path);
  }

  private record(type: ts.Type, alias: ts.Symbol, node: ts.Node | undefined, path: readonly string[]): Verdict<CrossingType> {
    const host = this.#host;
    const { ts: t, checker } = host;
    const name = checker.typeToString(type, undefined, t.TypeFormatFlags.NoTruncation);
    if (this.#active.has(type)) return reject(path, `record '${name}' contains itself (records are copied, so they cannot be recursive)`, node);
    const props = checker.getPropertiesOfType(type);
    if (props.length === 0) return reject(path, `record '${alias.getName()}' has no fields`, node);
    this.#active.add(type);
    try {
      const fields: RecordField[] = [];
      for (const prop of props) {
        const key = stringKey(host, prop);
        const fieldNode = declaredTypeNode(host, prop) ?? prop.valueDeclaration ?? node;
        if (key === undefined) return reject([...path, `field ${keyText(host, prop)}`], `symbol and numeric keys ${HERE} (fields are named by strings)`, fieldNode);
        const fpath = [...path, `field '${key}'`];
        if (forbiddenFieldNames.has(key)) return reject(fpath, `a field named '${key}' ${HERE} (it would reach a prototype)`, fieldNode);
        if (prop.flags & t.SymbolFlags.Method) return reject(fpath, `methods ${HERE}`, fieldNode);
        if (prop.flags & t.SymbolFlags.Optional) return reject(fpath, `optional fields ${HERE} (a record is copied with a fixed set of fields)`, fieldNode);
        const v = this.value(checker.getTypeOfSymbol(prop), fieldNode, fpath, 'field');
        if (!v.ok) return v;
        fields.push({ name: key, type: v.value });
      }
      return accept({ kind: 'record', name, fields });
    } finally {
      this.#active.delete(type);
    }
  }
}

export function hasTag(host: PolicyHost, decl: ts.Node, tag: string): boolean {
  return host.ts.getJSDocTags(decl).some((x) => x.tagName.text === tag);
}
