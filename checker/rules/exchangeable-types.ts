// exchangeable-types in domain code: every RRef-family type a domain names holds an exchangeable
// layout. (IDL signatures are checked by the IDL compiler, `redleaf-check --idl`, with the same
// policy.) A type argument that is not exchangeable would let a handle carry a reference to a
// domain's private objects, or a shape the heap cannot lay out.
import path from 'node:path';
import type * as ts from 'typescript';
import { isTrusted, inTrustedLibrary } from '../policy/host.ts';
import { layoutExchangeable } from '../policy/layout.ts';
import { explain } from '../policy/verdict.ts';
import type { DomainRule } from './rule.ts';
import { walk } from './rule.ts';

const families = [['RRefImpl', 'RRef'], ['RRefArrayImpl', 'RRefArray'], ['RRefDequeImpl', 'RRefDeque']] as const;

export const exchangeableTypes: DomainRule = {
  id: 'exchangeable-types',
  description: 'RRef type arguments in domain code are exchangeable layouts',
  needsTypes: true,
  check(ctx) {
    const host = ctx.host;
    if (host === undefined || ctx.domainDir === undefined) return;
    const t = ctx.ts;
    walk(t, ctx.sourceFile, (node) => {
      if (!t.isTypeReferenceNode(node) || node.typeArguments === undefined || node.typeArguments.length === 0) return;
      // Borrowed<X> is X: its argument is checked where X is written.
      if (isTrusted(host, host.checker.getSymbolAtLocation(node.typeName), 'Borrowed')) return;
      const type = host.checker.getTypeFromTypeNode(node);
      const symbol = type.getSymbol() ?? type.aliasSymbol;
      const family = families.find(([trusted]) => isTrusted(host, symbol, trusted));
      if (family === undefined) return;
      const arg = node.typeArguments[0]!;
      const v = layoutExchangeable(host, host.checker.getTypeFromTypeNode(arg), [`${family[1]}<${arg.getText(ctx.sourceFile)}>`], arg);
      if (v.ok) return;
      // A node inside the library (an Infer<> mapped type) would point away from the mistake.
      const at: ts.Node = v.node !== undefined && !inTrustedLibrary(host, path.resolve(v.node.getSourceFile().fileName)) && v.node.getSourceFile() === ctx.sourceFile ? v.node : arg;
      ctx.report(at, `${explain(v)}; only exchangeable layouts (numbers, bigints, booleans, fixed arrays and structs of them, nested RRefs) can live in the shared heap`);
    });
  },
};
