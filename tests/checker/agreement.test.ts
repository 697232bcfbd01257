// The checker's layout-exchangeable predicate agrees with the type-level IsExchangeable<T> of
// runtime/lib/exchangeable.ts on every type of fixtures/exchangeable-table.ts.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutExchangeable } from '../../checker/policy/layout.ts';
import { explain } from '../../checker/policy/verdict.ts';
import { aliases, fixturesDir, load } from './helpers.ts';

const { host, files } = load([path.join(fixturesDir, 'exchangeable-table.ts')]);
const sf = files[0]!;
const types = aliases(host, sf, 'T_');
const verdicts = new Map(aliases(host, sf, 'R_').map((r) => [r.name, r.type]));

describe('layout-exchangeable agrees with IsExchangeable<T>', () => {
  it('covers a table of at least 40 types, both accepted and rejected', () => {
    expect(types.length).toBeGreaterThanOrEqual(40);
    const accepted = types.filter((t) => layoutExchangeable(host, t.type).ok).length;
    expect(accepted).toBeGreaterThanOrEqual(10);
    expect(types.length - accepted).toBeGreaterThanOrEqual(30);
  });

  for (const t of types) {
    it(`${t.name}: ${t.decl.type.getText()}`, () => {
      const r = verdicts.get(t.name)!;
      const typeLevel = host.checker.typeToString(r);
      expect(['true', 'false']).toContain(typeLevel);
      const v = layoutExchangeable(host, t.type);
      expect({ exchangeable: v.ok, why: v.ok ? '' : explain(v) }).toMatchObject({ exchangeable: typeLevel === 'true' });
    });
  }
});
