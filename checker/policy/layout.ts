// layout-exchangeable: what may live inside the shared heap (the T of RRef<T>). Decides on a
// ts.Type exactly what IsExchangeable<T> (runtime/lib/exchangeable.ts) decides at the type level;
// tests/checker/agreement.test.ts holds the two to the same table.
import type * as ts from 'typescript';
import { brandTarget } from './brand.ts';
import { isBuiltin } from './host.ts';
import type { PolicyHost } from './host.ts';
import type { LayoutField, LayoutShape } from './shapes.ts';
import { accept, reject } from './verdict.ts';
import type { Verdict } from './verdict.ts';

const HERE = 'cannot live in the shared heap';

export function layoutExchangeable(host: PolicyHost, type: ts.Type, path: readonly string[] = [], node?: ts.Node): Verdict<LayoutShape> {
  return new LayoutWalk(host).value(type, path, node);
}

/** The type node a property was declared with, if it was declared in source with one. */
export function declaredTypeNode(host: PolicyHost, prop: ts.Symbol): ts.TypeNode | undefined {
  const decl = prop.valueDeclaration ?? prop.declarations?.[0];
  if (decl === undefined) return undefined;
  const t = host.ts;
  if ((t.isPropertySignature(decl) || t.isPropertyDeclaration(decl)) && decl.type !== undefined) return decl.type;
  return undefined;
}

/** Names a property by its key; undefined for symbol and numeric keys, which no layout has. */
export function stringKey(host: PolicyHost, prop: ts.Symbol): string | undefined {
  const name = prop.escapedName.toString();
  if (name.startsWith('__@') || name.startsWith('__#')) return undefined;
  const decl = prop.declarations?.[0];
  const declName = decl === undefined ? undefined : (decl as ts.NamedDeclaration).name;
  if (declName !== undefined && (host.ts.isNumericLiteral(declName) || host.ts.isPrivateIdentifier(declName))) return undefined;
  return prop.getName();
}

/** A key as written in source ('[Symbol.iterator]', '0'), for messages. */
export function keyText(host: PolicyHost, prop: ts.Symbol): string {
  const decl = prop.declarations?.[0];
  const name = decl === undefined ? undefined : (decl as ts.NamedDeclaration).name;
  if (name !== undefined) return name.getText();
  return prop.escapedName.toString().startsWith('__@') ? '[symbol]' : prop.getName();
}

export function hasPrivateMembers(host: PolicyHost, type: ts.Type): boolean {
  const t = host.ts;
  return host.checker.getPropertiesOfType(type).some((p) => {
    if (p.escapedName.toString().startsWith('__#')) return true;
    return (p.declarations ?? []).some((d) => {
      const name = (d as ts.NamedDeclaration).name;
      return (name !== undefined && t.isPrivateIdentifier(name))
        || (t.getCombinedModifierFlags(d as ts.Declaration) & (t.ModifierFlags.Private | t.ModifierFlags.Protected)) !== 0;
    });
  });
}

/** Every primitive type flag (TypeFlags.Primitive is internal to the compiler). */
export function primitiveFlags(t: PolicyHost['ts']): number {
  const f = t.TypeFlags;
  return f.StringLike | f.NumberLike | f.BigIntLike | f.BooleanLike | f.ESSymbolLike | f.Null | f.Undefined | f.Void;
}

class LayoutWalk {
  readonly #active = new Set<ts.Type>();
  readonly #host: PolicyHost;

  constructor(host: PolicyHost) {
    this.#host = host;
  }

  value(type: ts.Type, path: readonly string[], node: ts.Node | undefined): Verdict<LayoutShape> {
    const { ts: t, checker } = this.#host;
    const f = type.flags;
    if (f & t.TypeFlags.Any) return reject(path, `'any' ${HERE} (its shape is unknown)`, node);
    if (f & t.TypeFlags.Never) return reject(path, "'never' has no values", node);
    if (f & t.TypeFlags.Unknown) return reject(path, `'unknown' ${HERE} (its shape is unknown)`, node);
    if (f & t.TypeFlags.Union) {
      if (f & t.TypeFlags.Boolean) return accept({ kind: 'boolean' });
      return reject(path, `unions ${HERE} (a field has one fixed type)`, node);
    }
    if (f & t.TypeFlags.Intersection) {
      const parts = (type as ts.IntersectionType).types;
      const prim = parts.find((p) => p.flags & (primitiveFlags(t) | t.TypeFlags.NonPrimitive));
      if (prim !== undefined) return this.value(prim, path, node);
    }
    if (f & t.TypeFlags.NumberLike) return accept({ kind: 'number' });
    if (f & t.TypeFlags.BigIntLike) return accept({ kind: 'bigint' });
    if (f & t.TypeFlags.BooleanLike) return accept({ kind: 'boolean' });
    if (f & t.TypeFlags.StringLike) return reject(path, `strings ${HERE} (store text as bytes: RRefVec.fromUtf8)`, node);
    if (f & t.TypeFlags.ESSymbolLike) return reject(path, `symbols ${HERE}`, node);
    if (f & t.TypeFlags.Null) return reject(path, `'null' ${HERE}`, node);
    if (f & (t.TypeFlags.Undefined | t.TypeFlags.Void)) return reject(path, `'${checker.typeToString(type)}' ${HERE}`, node);
    if (f & t.TypeFlags.NonPrimitive) return reject(path, `'object' has no fields, so no layout`, node);
    if (checker.isTupleType(type)) return this.tuple(type as ts.TupleTypeReference, path, node);
    if (checker.isArrayType(type)) {
      const elem = checker.getTypeArguments(type as ts.TypeReference)[0];
      if (elem === undefined) return reject(path, 'array without an element type', node);
      const inner = this.value(elem, [...path, 'element'], elementNode(this.#host, node));
      if (inner.ok && containsRef(inner.value)) return reject([...path, 'element'], 'nested RRefs inside an array element cannot be laid out (use RRefArray)', node);
      return inner.ok ? accept({ kind: 'array', element: inner.value }) : inner;
    }
    if (f & (t.TypeFlags.Object | t.TypeFlags.Intersection)) return this.object(type, path, node);
    return reject(path, `'${checker.typeToString(type)}' ${HERE}`, node);
  }

  private tuple(type: ts.TupleTypeReference, path: readonly string[], node: ts.Node | undefined): Verdict<LayoutShape> {
    const { ts: t, checker } = this.#host;
    const flags = type.target.elementFlags;
    if (flags.some((e) => e & t.ElementFlags.Optional)) return reject(path, `optional tuple elements ${HERE} (an element cannot be absent)`, node);
    // IsExchangeable reads a tuple as an array of the union of its element types.
    const elems = new Set<ts.Type>();
    for (const e of checker.getTypeArguments(type)) for (const part of e.flags & t.TypeFlags.Union ? (e as ts.UnionType).types : [e]) elems.add(part);
    const list = [...elems];
    if (list.length === 0) return reject(path, "an empty tuple's element type is 'never'", node);
    const isBool = list.length === 2 && list.every((e) => e.flags & t.TypeFlags.BooleanLiteral);
    if (list.length > 1 && !isBool) return reject([...path, 'element'], `unions ${HERE} (tuple elements must share one type)`, node);
    const elem = isBool ? ({ kind: 'boolean' } as const) : undefined;
    const inner = elem !== undefined ? accept<LayoutShape>(elem) : this.value(list[0]!, [...path, 'element'], node);
    if (!inner.ok) return inner;
    if (containsRef(inner.value)) return reject([...path, 'element'], 'nested RRefs inside an array element cannot be laid out (use RRefArray)', node);
    const fixed = flags.every((e) => e & t.ElementFlags.Required);
    return accept(fixed ? { kind: 'array', element: inner.value, length: flags.length } : { kind: 'array', element: inner.value });
  }

  private object(type: ts.Type, path: readonly string[], node: ts.Node | undefined): Verdict<LayoutShape> {
    const { ts: t, checker } = this.#host;
    if (brandTarget(this.#host, type) !== undefined) return reject(path, `an RRef handle is not data (nest it as a struct field) and ${HERE} as a value`, node);
    if (checker.getSignaturesOfType(type, t.SignatureKind.Call).length > 0) return reject(path, `function types ${HERE}`, node);
    if (checker.getSignaturesOfType(type, t.SignatureKind.Construct).length > 0) return reject(path, `constructors ${HERE}`, node);
    const symbol = type.getSymbol();
    if (isBuiltin(symbol)) return reject(path, `built-in '${symbol!.getName()}' ${HERE} (it is not plain data)`, node);
    if (checker.getIndexInfosOfType(type).length > 0) return reject(path, `index signatures ${HERE} (a struct has a fixed set of fields)`, node);
    if (hasPrivateMembers(this.#host, type)) return reject(path, `class instances with private members ${HERE} (they are nominal)`, node);
    const props = checker.getPropertiesOfType(type);
    if (props.length === 0) return reject(path, `an object without fields has no layout`, node);
    if (this.#active.has(type)) return reject(path, `recursive types have no fixed layout`, node);
    this.#active.add(type);
    try {
      const fields: LayoutField[] = [];
      for (const prop of props) {
        const key = stringKey(this.#host, prop);
        const fieldNode = declaredTypeNode(this.#host, prop) ?? prop.valueDeclaration ?? node;
        if (key === undefined) return reject([...path, `field ${keyText(this.#host, prop)}`], `symbol and numeric keys ${HERE} (fields are named by strings)`, fieldNode);
        const fpath = [...path, `field '${key}'`];
        if (prop.flags & t.SymbolFlags.Method) return reject(fpath, `methods ${HERE}`, fieldNode);
        const field = this.field(key, prop, fpath, fieldNode);
        if (!field.ok) return field;
        fields.push(field.value);
      }
      return accept({ kind: 'struct', fields });
    } finally {
      this.#active.delete(type);
    }
  }

  private field(name: string, prop: ts.Symbol, path: readonly string[], node: ts.Node | undefined): Verdict<LayoutField> {
    const { ts: t, checker } = this.#host;
    const type = checker.getTypeOfSymbol(prop);
    if (type.flags & t.TypeFlags.Any) return reject(path, `'any' ${HERE} (its shape is unknown)`, node);
    const parts = type.flags & t.TypeFlags.Union ? (type as ts.UnionType).types : [type];
    const absent = (prop.flags & t.SymbolFlags.Optional) !== 0 || parts.some((p) => p.flags & t.TypeFlags.Undefined);
    const present = parts.filter((p) => !(p.flags & t.TypeFlags.Undefined));
    const targets = present.map((p) => brandTarget(this.#host, p));
    if (present.length > 0 && targets.every((x) => x !== undefined)) {
      const distinct = [...new Set(targets)];
      if (distinct.length > 1) return reject(path, `a nested RRef has one target type, not a union`, node);
      const target = this.value(distinct[0]!, [...path, 'RRef target'], rrefTargetNode(this.#host, node));
      return target.ok ? accept({ name, kind: 'ref', optional: absent, target: target.value }) : target;
    }
    if (absent) return reject(path, `optional or possibly-undefined data fields ${HERE} (only nested RRefs may be absent)`, node);
    const value = this.value(type, path, node);
    return value.ok ? accept({ name, kind: 'value', type: value.value }) : value;
  }
}

function elementNode(host: PolicyHost, node: ts.Node | undefined): ts.Node | undefined {
  const t = host.ts;
  if (node === undefined) return undefined;
  if (t.isTypeOperatorNode(node)) return elementNode(host, node.type);
  if (t.isArrayTypeNode(node)) return node.elementType;
  return node;
}

function rrefTargetNode(host: PolicyHost, node: ts.Node | undefined): ts.Node | undefined {
  if (node !== undefined && host.ts.isTypeReferenceNode(node)) return node.typeArguments?.[0] ?? node;
  return node;
}

/** True when a shape holds a nested RRef anywhere. */
function containsRef(shape: LayoutShape): boolean {
  switch (shape.kind) {
    case 'array': return containsRef(shape.element);
    case 'struct': return shape.fields.some((f) => f.kind === 'ref' || containsRef(f.type));
    default: return false;
  }
}
