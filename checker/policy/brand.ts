// Nested RRefs inside a layout are recognised by the trusted `rrefBrand` symbol key (the type
// brand of RRefLike and of every RRef handle); a domain's own symbol never matches it.
import type * as ts from 'typescript';
import { isTrusted } from './host.ts';
import type { PolicyHost } from './host.ts';

/** The RRef target type when `type` carries the trusted brand, else undefined. */
export function brandTarget(host: PolicyHost, type: ts.Type): ts.Type | undefined {
  const { ts: t, checker } = host;
  if (!(type.flags & (t.TypeFlags.Object | t.TypeFlags.Intersection))) return undefined;
  for (const prop of checker.getPropertiesOfType(type)) {
    if (!prop.escapedName.toString().startsWith('__@')) continue;
    for (const decl of prop.declarations ?? []) {
      const name = (decl as ts.NamedDeclaration).name;
      if (name === undefined || !t.isComputedPropertyName(name)) continue;
      if (isTrusted(host, checker.getSymbolAtLocation(name.expression), 'rrefBrand')) return checker.getTypeOfSymbol(prop);
    }
  }
  return undefined;
}
