// create-signature: a domain's entry matches the @create trait its domain.json names. The
// kernel's create glue calls `create(sys, ...args)` with the trait's arguments and exports what
// it returns through the trait's interfaces; an entry of another shape would receive values its
// types do not describe, or hand the glue something it cannot export.
import path from 'node:path';
import type * as ts from 'typescript';
import { readManifest } from '../../runtime/kernel/manifest.ts';
import type { DomainRule, RuleContext } from './rule.ts';

/** The @create trait named `name`: an interface declared in a file of runtime/idl the program holds. */
function findTrait(ctx: RuleContext, name: string): ts.InterfaceDeclaration | undefined {
  const idlDir = path.join(ctx.runtimeDir, 'idl');
  const t = ctx.ts;
  for (const sf of ctx.program?.getSourceFiles() ?? []) {
    if (path.dirname(path.resolve(sf.fileName)) !== idlDir) continue;
    const decl = sf.statements.find((st): st is ts.InterfaceDeclaration => t.isInterfaceDeclaration(st) && st.name.text === name);
    if (decl !== undefined) return decl;
  }
  return undefined;
}

export const createSignature: DomainRule = {
  id: 'create-signature',
  description: "a domain's entry exports create(sys, ...) matching the @create trait of its domain.json",
  needsTypes: true,
  check(ctx) {
    const host = ctx.host;
    if (host === undefined || ctx.domainDir === undefined) return;
    let manifest;
    try {
      manifest = readManifest(ctx.domainDir);
    } catch (e) {
      if (path.basename(ctx.sourceFile.fileName) !== 'domain.json') ctx.report(ctx.sourceFile, `domain.json: ${e instanceof Error ? e.message : String(e)}`);
      return;
    }
    if (path.resolve(ctx.domainDir, manifest.entry) !== path.resolve(ctx.sourceFile.fileName)) return;
    const t = ctx.ts;
    const checker = host.checker;
    const fileSymbol = checker.getSymbolAtLocation(ctx.sourceFile);
    const create = fileSymbol === undefined ? undefined : checker.getExportsOfModule(fileSymbol).find((e) => e.getName() === 'create');
    if (create === undefined) {
      ctx.report(ctx.sourceFile, `the entry ${manifest.entry} must export a function create(sys: Syscalls, ...) following ${manifest.create}`);
      return;
    }
    const trait = findTrait(ctx, manifest.create);
    if (trait === undefined) {
      ctx.report(ctx.sourceFile, `@create trait ${manifest.create} (named by domain.json) is not an interface of runtime/idl that the entry's program holds: import its interfaces' file (or import type { ${manifest.create} } from it)`);
      return;
    }
    if (!/@create\b/.test(trait.getSourceFile().text.slice(trait.getFullStart(), trait.getStart()))) {
      ctx.report(ctx.sourceFile, `${manifest.create} is not tagged @create in the IDL`);
      return;
    }
    const method = trait.members.find((m): m is ts.MethodSignature => t.isMethodSignature(m));
    if (method === undefined) return; // the IDL compiler reports a malformed trait
    const createDecl = create.declarations?.[0];
    const at: ts.Node = createDecl !== undefined && (t.isFunctionDeclaration(createDecl) || t.isVariableDeclaration(createDecl)) && createDecl.name !== undefined ? createDecl.name : ctx.sourceFile;
    const createType = checker.getTypeOfSymbolAtLocation(create, at);
    const signatures = createType.getCallSignatures();
    if (signatures.length !== 1) {
      ctx.report(at, `create must be a function with one signature: (sys: Syscalls, ${method.parameters.map((p) => p.getText()).join(', ')}) => ${method.type?.getText() ?? 'unknown'}`);
      return;
    }
    const sig = signatures[0]!;
    const params = sig.getParameters();
    const traitSig = checker.getSignatureFromDeclaration(method)!;
    const traitParams = traitSig.getParameters();
    const expected = `(sys: Syscalls${method.parameters.map((p) => `, ${p.getText()}`).join('')}) => ${method.type?.getText() ?? 'unknown'}`;
    if (params.length !== traitParams.length + 1) {
      ctx.report(at, `create takes ${params.length} parameters; ${manifest.create} needs ${traitParams.length + 1}: ${expected}`);
      return;
    }
    const typeOf = (s: ts.Symbol): ts.Type => checker.getTypeOfSymbolAtLocation(s, at);
    const sysType = typeOf(params[0]!);
    const sysName = sysType.getSymbol()?.getName() ?? sysType.aliasSymbol?.getName();
    if (sysName !== 'Syscalls') ctx.report(at, `create's first parameter is the syscall capability: (sys: Syscalls, ...), not ${checker.typeToString(sysType)}`);
    traitParams.forEach((tp, i) => {
      const mine = typeOf(params[i + 1]!);
      const theirs = typeOf(tp);
      // The glue passes exactly the trait's types: the entry must accept them.
      if (!checker.isTypeAssignableTo(theirs, mine)) {
        ctx.report(at, `create's parameter ${i + 2} ('${params[i + 1]!.getName()}': ${checker.typeToString(mine)}) does not accept ${manifest.create}'s '${tp.getName()}': ${checker.typeToString(theirs)}`);
      }
    });
    const ret = checker.getReturnTypeOfSignature(sig);
    const want = checker.getReturnTypeOfSignature(traitSig);
    if (!checker.isTypeAssignableTo(ret, want)) ctx.report(at, `create returns ${checker.typeToString(ret)}, but ${manifest.create} promises ${checker.typeToString(want)}`);
    // domain.json's exports and imports name the trait's interfaces.
    const names = (node: ts.TypeNode | undefined): string[] => {
      if (node === undefined) return [];
      if (t.isTypeReferenceNode(node)) return [node.typeName.getText()];
      if (t.isTypeLiteralNode(node)) return node.members.flatMap((m) => (t.isPropertySignature(m) ? names(m.type) : []));
      return [];
    };
    const exportsWanted = names(method.type).sort();
    const importsWanted = method.parameters.flatMap((p) => {
      const ty = checker.getTypeFromTypeNode(p.type!);
      return ty.isClassOrInterface() || (ty.getSymbol()?.flags ?? 0) & t.SymbolFlags.Interface ? names(p.type) : [];
    }).sort();
    const same = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
    if (!same(manifest.exports, exportsWanted)) ctx.report(at, `domain.json "exports" is [${manifest.exports.join(', ')}], but ${manifest.create} returns [${exportsWanted.join(', ')}]`);
    if (!same(manifest.imports, importsWanted)) ctx.report(at, `domain.json "imports" is [${manifest.imports.join(', ')}], but ${manifest.create} receives [${importsWanted.join(', ')}]`);
  },
};
