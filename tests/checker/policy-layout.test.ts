// layout-exchangeable: accepted types and the explanation path of each rejected one.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { layoutExchangeable } from '../../checker/policy/layout.ts';
import { explain } from '../../checker/policy/verdict.ts';
import { aliases, fixturesDir, load } from './helpers.ts';

const { host, files } = load([path.join(fixturesDir, 'exchangeable-table.ts')]);
const types = new Map(aliases(host, files[0]!, 'T_').map((t) => [t.name, t.type]));
const HEAP = 'cannot live in the shared heap';

/** Type (by its T_ alias in the fixture) and the expected verdict: 'ok' or the explanation. */
const table: Readonly<Record<string, string>> = {
  number: 'ok', bigint: 'ok', boolean: 'ok', roArray: 'ok', mutArray: 'ok', tuple: 'ok', record: 'ok',
  block: 'ok', blockRequest: 'ok', packet: 'ok', withOptionalRef: 'ok', optRefField: 'ok', undefRefField: 'ok', publicClass: 'ok',
  string: `strings ${HEAP} (store text as bytes: RRefVec.fromUtf8)`,
  deepString: `field 'hdr' : field 'name' : strings ${HEAP} (store text as bytes: RRefVec.fromUtf8)`,
  refToBad: `field 'child' : RRef target : strings ${HEAP} (store text as bytes: RRefVec.fromUtf8)`,
  refUnion: "field 'child' : a nested RRef has one target type, not a union",
  handleValue: `an RRef handle is not data (nest it as a struct field) and ${HEAP} as a value`,
  arrayOfHandles: `element : an RRef handle is not data (nest it as a struct field) and ${HEAP} as a value`,
  fn: `function types ${HEAP}`,
  classValue: `constructors ${HEAP}`,
  method: `field 'read' : methods ${HEAP}`,
  fnField: `field 'cb' : function types ${HEAP}`,
  privateClass: `class instances with private members ${HEAP} (they are nominal)`,
  protectedClass: `class instances with private members ${HEAP} (they are nominal)`,
  map: `built-in 'Map' ${HEAP} (it is not plain data)`,
  uint8: `built-in 'Uint8Array' ${HEAP} (it is not plain data)`,
  bytesField: `field 'bytes' : built-in 'Uint8Array' ${HEAP} (it is not plain data)`,
  symbolKey: `field [Symbol.iterator] : symbol and numeric keys ${HEAP} (fields are named by strings)`,
  numericKey: `field 0 : symbol and numeric keys ${HEAP} (fields are named by strings)`,
  nullableField: `field 'a' : unions ${HEAP} (a field has one fixed type)`,
  stringIndex: `index signatures ${HEAP} (a struct has a fixed set of fields)`,
  empty: 'an object without fields has no layout',
  optionalData: `field 'a' : optional or possibly-undefined data fields ${HEAP} (only nested RRefs may be absent)`,
  deepOptional: `field 'inner' : field 'a' : optional or possibly-undefined data fields ${HEAP} (only nested RRefs may be absent)`,
  union: `unions ${HEAP} (a field has one fixed type)`,
  enum: `unions ${HEAP} (a field has one fixed type)`,
  mixedTuple: `element : unions ${HEAP} (tuple elements must share one type)`,
  anyArray: `element : 'any' ${HEAP} (its shape is unknown)`,
  never: "'never' has no values",
};

describe('layout-exchangeable', () => {
  for (const [name, expected] of Object.entries(table)) {
    it(`${name}: ${expected}`, () => {
      const type = types.get(name);
      expect(type, `T_${name} in the fixture`).toBeDefined();
      const v = layoutExchangeable(host, type!);
      expect(v.ok ? 'ok' : explain(v)).toBe(expected);
    });
  }

  it('describes accepted layouts by shape: fields in order, nested RRefs with their optionality', () => {
    const v = layoutExchangeable(host, types.get('withOptionalRef')!);
    expect(v).toEqual({
      ok: true,
      value: {
        kind: 'struct',
        fields: [
          { name: 'n', kind: 'value', type: { kind: 'number' } },
          { name: 'bytes', kind: 'value', type: { kind: 'array', element: { kind: 'number' } } },
          { name: 'leaf', kind: 'ref', optional: false, target: { kind: 'struct', fields: [{ name: 'v', kind: 'value', type: { kind: 'number' } }] } },
          { name: 'next', kind: 'ref', optional: true, target: { kind: 'struct', fields: [{ name: 'v', kind: 'value', type: { kind: 'number' } }] } },
        ],
      },
    });
    expect(layoutExchangeable(host, types.get('tuple')!)).toEqual({ ok: true, value: { kind: 'array', element: { kind: 'number' }, length: 2 } });
  });

  it('prefixes the caller\'s path', () => {
    const v = layoutExchangeable(host, types.get('fnField')!, ["parameter 'x'", 'RRef layout']);
    expect(v.ok ? '' : explain(v)).toBe(`parameter 'x' : RRef layout : field 'cb' : function types ${HEAP}`);
  });
});
