// Validates @idl and @create interfaces and builds their model. Works on the compiler's nodes
// through the host's TypeScript copy, so any front end with a TypeChecker can run it.
import path from 'node:path';
import type * as ts from 'typescript';
import type { Diagnostic, RuleId } from '../diagnostics.ts';
import { compareDiagnostics } from '../diagnostics.ts';
import { crossingExchangeable, hasTag, methodResult } from '../policy/crossing.ts';
import { inTrustedLibrary, resolveAlias } from '../policy/host.ts';
import type { PolicyHost } from '../policy/host.ts';
import type { CrossingType } from '../policy/shapes.ts';
import { explain } from '../policy/verdict.ts';
import type { Violation } from '../policy/verdict.ts';
import { interfaceDigest, MODEL_VERSION } from './model.ts';
import type { IdlModel, InterfaceModel, MethodModel, ParamModel } from './model.ts';

export interface IdlResult {
  readonly diagnostics: readonly Diagnostic[];
  readonly model: IdlModel;
}

/** Names a method may not have: they would shadow or reach Object.prototype, or make a stub thenable. */
const forbiddenMethodNames: ReadonlySet<string> = new Set([
  'constructor', '__proto__', 'prototype', 'then', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty',
  'isPrototypeOf', 'propertyIsEnumerable', '__defineGetter__', '__defineSetter__', '__lookupGetter__', '__lookupSetter__',
]);

export function validateIdl(host: PolicyHost, files: readonly ts.SourceFile[], root: string): IdlResult {
  const v = new Validator(host, root);
  for (const sf of files) v.file(sf);
  return v.result();
}

class Validator {
  readonly #host: PolicyHost;
  readonly #root: string;
  readonly #diagnostics: Diagnostic[] = [];
  readonly #interfaces = new Map<string, InterfaceModel>();
  /** Every tagged interface seen, valid or not. */
  readonly #declared = new Set<string>();
  /** Interface references, checked once every file is read: the generator needs their models. */
  readonly #references: { name: string; node: ts.Node; where: string }[] = [];

  constructor(host: PolicyHost, root: string) {
    this.#host = host;
    this.#root = root;
  }

  result(): IdlResult {
    for (const r of this.#references) {
      if (!this.#declared.has(r.name)) this.report('idl-shape', r.node, `${r.where}: @idl interface '${r.name}' is declared outside the checked files (check its folder with this one)`);
    }
    const interfaces = [...this.#interfaces.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { diagnostics: [...this.#diagnostics].sort(compareDiagnostics), model: { version: MODEL_VERSION, interfaces } };
  }

  file(sf: ts.SourceFile): void {
    const t = this.#host.ts;
    for (const st of sf.statements) {
      const tags = ['idl', 'create'].filter((tag) => hasTag(this.#host, st, tag));
      if (tags.length === 0) continue;
      if (!t.isInterfaceDeclaration(st)) {
        this.report('idl-shape', st, `only an interface can be tagged @${tags[0]!}`);
        continue;
      }
      if (tags.length > 1) {
        this.report('idl-shape', st.name, `interface '${st.name.text}' is tagged both @idl and @create`);
        continue;
      }
      this.declaration(st, tags[0] as 'idl' | 'create');
    }
  }

  private report(ruleId: RuleId, node: ts.Node, message: string): void {
    const sf = node.getSourceFile();
    const pos = sf.getLineAndCharacterOfPosition(node.getStart(sf));
    this.#diagnostics.push({ ruleId, file: path.resolve(sf.fileName), line: pos.line + 1, column: pos.character + 1, message });
  }

  private violation(where: string, v: Violation, fallback: ts.Node): void {
    // A node inside the library (an Infer<> mapped type) would point away from the mistake.
    const node = v.node !== undefined && !inTrustedLibrary(this.#host, path.resolve(v.node.getSourceFile().fileName)) ? v.node : fallback;
    this.report('exchangeable-types', node, `${where}: ${explain(v)}`);
  }

  private declaration(decl: ts.InterfaceDeclaration, tag: 'idl' | 'create'): void {
    const t = this.#host.ts;
    const name = decl.name.text;
    const before = this.#diagnostics.length;
    this.#declared.add(name);
    const shape = (node: ts.Node, message: string): void => this.report('idl-shape', node, `${name}: ${message}`);
    if (this.#interfaces.has(name)) shape(decl.name, `another IDL interface is already named '${name}'`);
    const sym = this.#host.checker.getSymbolAtLocation(decl.name);
    if ((sym?.declarations?.length ?? 1) > 1) shape(decl.name, 'an IDL interface must be declared once (no declaration merging)');
    if (!this.exported(decl, sym)) shape(decl.name, 'an IDL interface must be exported');
    if (decl.typeParameters !== undefined) shape(decl.typeParameters[0]!, 'an IDL interface cannot be generic');
    if (decl.heritageClauses !== undefined) shape(decl.heritageClauses[0]!, 'an IDL interface cannot extend others (declare every method)');
    const methods: MethodModel[] = [];
    const seen = new Set<string>();
    for (const member of decl.members) {
      if (!t.isMethodSignature(member)) {
        const what = t.isPropertySignature(member) ? `property '${member.name.getText()}'` : t.isIndexSignatureDeclaration(member) ? 'an index signature' : t.isCallSignatureDeclaration(member) ? 'a call signature' : t.isConstructSignatureDeclaration(member) ? 'a construct signature' : 'this member';
        shape(member, `${what} is not a method: an IDL interface declares methods only`);
        continue;
      }
      const m = this.method(name, tag, member, seen);
      if (m !== undefined) methods.push(m);
    }
    if (decl.members.length === 0) shape(decl.name, 'an IDL interface needs at least one method');
    if (tag === 'create' && decl.members.length > 1) shape(decl.name, 'a @create interface declares exactly one method');
    if (this.#diagnostics.length !== before || this.#interfaces.has(name)) return;
    const file = path.relative(this.#root, path.resolve(decl.getSourceFile().fileName)).split(path.sep).join('/');
    const body = { name, tag, methods };
    this.#interfaces.set(name, { name, tag, file, methods, digest: interfaceDigest(body) });
  }

  /** Exported by a modifier or by an export clause of its own module. */
  private exported(decl: ts.InterfaceDeclaration, sym: ts.Symbol | undefined): boolean {
    const t = this.#host.ts;
    if (decl.modifiers?.some((m) => m.kind === t.SyntaxKind.ExportKeyword)) return true;
    const moduleSymbol = this.#host.checker.getSymbolAtLocation(decl.getSourceFile());
    if (moduleSymbol === undefined || sym === undefined) return false;
    return this.#host.checker.getExportsOfModule(moduleSymbol).some((e) => resolveAlias(this.#host, e) === sym);
  }

  private method(iface: string, tag: 'idl' | 'create', m: ts.MethodSignature, seen: Set<string>): MethodModel | undefined {
    const t = this.#host.ts;
    const checker = this.#host.checker;
    const before = this.#diagnostics.length;
    if (!t.isIdentifier(m.name)) {
      this.report('idl-shape', m.name, `${iface}: method name ${m.name.getText()} must be a plain identifier`);
      return undefined;
    }
    const name = m.name.text;
    const where = `${iface}.${name}`;
    const shape = (node: ts.Node, message: string): void => this.report('idl-shape', node, `${where}: ${message}`);
    if (seen.has(name)) {
      shape(m.name, 'overloads are not allowed (one signature per method)');
      return undefined;
    }
    seen.add(name);
    if (forbiddenMethodNames.has(name) || name.startsWith('__')) shape(m.name, `'${name}' cannot name a method (it would shadow or reach Object.prototype, or make stubs thenable)`);
    if (m.questionToken !== undefined) shape(m.questionToken, 'a method cannot be optional');
    if (m.typeParameters !== undefined) {
      // Its parameters and result name the type parameters; one diagnostic says enough.
      shape(m.typeParameters[0]!, 'a method cannot be generic');
      return undefined;
    }
    const params: ParamModel[] = [];
    for (const p of m.parameters) {
      if (!t.isIdentifier(p.name)) { shape(p.name, 'parameters must be plain identifiers (no destructuring)'); continue; }
      const pname = p.name.text;
      if (pname === 'this') { shape(p, "a method cannot declare a 'this' parameter"); continue; }
      if (p.dotDotDotToken !== undefined) { shape(p, `rest parameter '${pname}' is not allowed (fixed parameter lists only)`); continue; }
      if (p.questionToken !== undefined || p.initializer !== undefined) { shape(p, `optional parameter '${pname}' is not allowed (pass undefined explicitly)`); continue; }
      if (p.type === undefined) { shape(p, `parameter '${pname}' needs a type`); continue; }
      const v = crossingExchangeable(this.#host, checker.getTypeFromTypeNode(p.type), p.type, [`parameter '${pname}'`], 'parameter');
      if (!v.ok) { this.violation(where, v, p.type); continue; }
      this.reference(v.value, p.type, where);
      params.push({ name: pname, type: v.value });
    }
    if (m.type === undefined) {
      shape(m.name, 'a method needs a declared result type');
      return undefined;
    }
    const result = tag === 'idl' ? this.idlResult(where, m.type) : this.createResult(where, m.type);
    if (result === undefined || this.#diagnostics.length !== before) return undefined;
    this.reference(result.value, m.type, where);
    return { name, mode: result.mode, params, result: result.value };
  }

  private reference(type: CrossingType, node: ts.Node, where: string): void {
    if (type.kind === 'interface') this.#references.push({ name: type.name, node, where });
    else if (type.kind === 'record') for (const f of type.fields) this.reference(f.type, node, where);
  }

  private idlResult(where: string, node: ts.TypeNode): { mode: 'sync' | 'async'; value: CrossingType } | undefined {
    const v = methodResult(this.#host, this.#host.checker.getTypeFromTypeNode(node), node, ['result']);
    if (!v.ok) { this.violation(where, v, node); return undefined; }
    return v.value;
  }

  private createResult(where: string, node: ts.TypeNode): { mode: 'create'; value: CrossingType } | undefined {
    const v = crossingExchangeable(this.#host, this.#host.checker.getTypeFromTypeNode(node), node, ['result'], 'result');
    if (!v.ok) { this.violation(where, v, node); return undefined; }
    const value = v.value;
    const ok = value.kind === 'interface' || (value.kind === 'record' && value.fields.every((f) => f.type.kind === 'interface'));
    if (!ok) {
      this.report('idl-shape', node, `${where}: a create function returns an @idl interface or a record of them`);
      return undefined;
    }
    return { mode: 'create', value };
  }
}
