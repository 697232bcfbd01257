// crossing-exchangeable and the method result rule: accepted types with their model, and the
// explanation path of each rejected one.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crossingExchangeable, methodResult } from '../../checker/policy/crossing.ts';
import { explain } from '../../checker/policy/verdict.ts';
import { aliases, fixturesDir, load } from './helpers.ts';

const { host, files } = load([path.join(fixturesDir, 'crossing-table.ts')]);
const params = new Map(aliases(host, files[0]!, 'C_').map((t) => [t.name, t]));
const results = new Map(aliases(host, files[0]!, 'R_').map((t) => [t.name, t]));
const X = 'cannot cross a domain boundary';
const P = "parameter 'x'";

const cell = { text: 'Cell', shape: { kind: 'struct', fields: [{ name: 'value', kind: 'value', type: { kind: 'number' } }] } };

const accepted: Readonly<Record<string, unknown>> = {
  number: { kind: 'number' },
  bigint: { kind: 'bigint' },
  boolean: { kind: 'boolean' },
  string: { kind: 'string' },
  undefined: { kind: 'undefined' },
  rref: { kind: 'rref', layout: cell },
  vec: { kind: 'rrefvec', element: 'number' },
  array: { kind: 'rrefarray', layout: cell, length: 8 },
  deque: { kind: 'rrefdeque', layout: cell, capacity: 32 },
  borrowed: { kind: 'borrowed', handle: { kind: 'rref', layout: cell } },
  borrowedVec: { kind: 'borrowed', handle: { kind: 'rrefvec', element: 'bigint' } },
  interface: { kind: 'interface', name: 'Svc' },
  record: {
    kind: 'record', name: 'Stats', fields: [
      { name: 'count', type: { kind: 'number' } },
      { name: 'name', type: { kind: 'string' } },
      { name: 'peer', type: { kind: 'interface', name: 'Svc' } },
      { name: 'buf', type: { kind: 'rref', layout: cell } },
    ],
  },
};

const rejected: Readonly<Record<string, string>> = {
  fnField: `${P} : field 'cb' : function types ${X}`,
  rrefString: `${P} : RRef layout : strings cannot live in the shared heap (store text as bytes: RRefVec.fromUtf8)`,
  vecOfRecords: `${P} : RRefVec element : an RRefVec holds number, bigint or boolean`,
  dequeAnyCapacity: `${P} : the capacity of a handle must be a number literal (it is part of the interface)`,
  array_: `${P} : arrays ${X} (move an RRefVec, RRefArray or RRefDeque)`,
  recordOfArray: `${P} : field 'items' : arrays ${X} (move an RRefVec, RRefArray or RRefDeque)`,
  literal: `${P} : literal and enum types ${X} (the receiver cannot trust them; use 'string')`,
  null: `${P} : 'null' ${X} (use undefined)`,
  void: `${P} : 'void' ${X} (use undefined)`,
  symbol: `${P} : symbols ${X} (they are identities of one realm)`,
  unknown: `${P} : 'unknown' ${X} (nothing is known about it)`,
  object: `${P} : 'object' ${X} (declare a record type)`,
  anonymous: `${P} : field 'inner' : anonymous object types ${X} (declare the record as a named type alias)`,
  plainInterface: `${P} : interface 'Shape' is not tagged @idl: only @idl interfaces cross by reference (declare records with 'type')`,
  class: `${P} : class instances ${X} (their prototype belongs to the sender's realm)`,
  promise: `${P} : built-in 'Promise' ${X} (its methods and prototype belong to the sender's realm)`,
  error: `${P} : built-in 'Error' ${X} (its methods and prototype belong to the sender's realm)`,
  rpcResult: `${P} : RpcResult is only a method's result, never a value inside one`,
  optionalField: `${P} : field 'extra' : optional fields ${X} (a record is copied with a fixed set of fields)`,
  lentField: `${P} : field 'cell' : Borrowed lends a parameter for one call; it cannot be a result or a record field`,
  recursive: `${P} : field 'next' : record 'Loop' contains itself (records are copied, so they cannot be recursive)`,
  protoField: `${P} : field 'constructor' : a field named 'constructor' ${X} (it would reach a prototype)`,
  branded: `${P} : branded primitives ${X} (the brand cannot be checked at the boundary)`,
  borrowedNumber: `${P} : Borrowed : only a handle (RRef, RRefVec, RRefArray, RRefDeque) can be lent`,
  lentAlias: `${P} : write Borrowed<...> directly: an alias hides from the IDL compiler that the handle is lent`,
  union: `${P} : unions ${X} (declare one type per parameter or field)`,
};

function check(name: string): ReturnType<typeof crossingExchangeable> {
  const t = params.get(name);
  if (t === undefined) throw new Error(`C_${name} missing from the fixture`);
  return crossingExchangeable(host, t.type, t.decl.type, [P], 'parameter');
}

describe('crossing-exchangeable', () => {
  for (const [name, model] of Object.entries(accepted)) {
    it(`accepts ${name}`, () => {
      const v = check(name);
      expect(v.ok ? v.value : explain(v)).toEqual(model);
    });
  }
  it('accepts nested records', () => {
    const v = check('nestedRecord');
    expect(v.ok && v.value.kind === 'record' ? v.value.fields.map((f) => [f.name, f.type.kind]) : v).toEqual([['stats', 'record'], ['on', 'boolean']]);
  });
  for (const [name, why] of Object.entries(rejected)) {
    it(`rejects ${name}`, () => {
      const v = check(name);
      expect(v.ok ? 'accepted' : explain(v)).toBe(why);
    });
  }
});

describe('method results', () => {
  const result = (name: string): ReturnType<typeof methodResult> => {
    const t = results.get(name)!;
    return methodResult(host, t.type, t.decl.type, ['result']);
  };
  it('RpcResult<T> is synchronous', () => {
    expect(result('sync')).toMatchObject({ ok: true, value: { mode: 'sync', value: { kind: 'number' } } });
  });
  it('Promise<RpcResult<T>> is asynchronous', () => {
    expect(result('async')).toMatchObject({ ok: true, value: { mode: 'async', value: { kind: 'rref', layout: cell } } });
  });
  it('RpcOk<T> | RpcErr is RpcResult<T> spelled out', () => {
    expect(result('spelledOut')).toMatchObject({ ok: true, value: { mode: 'sync', value: { kind: 'number' } } });
  });
  it('RpcResult of a record', () => {
    expect(result('record')).toMatchObject({ ok: true, value: { mode: 'sync', value: { kind: 'record', name: 'Stats' } } });
  });
  const bad: Readonly<Record<string, string>> = {
    plain: "result : a method must return RpcResult<T> (or Promise<RpcResult<T>>), not 'number'",
    promisePlain: "result : an asynchronous method must return Promise<RpcResult<T>>, not 'number'",
    lookAlike: "result : a method must return RpcResult<T> (or Promise<RpcResult<T>>), not 'R_lookAlike'",
    asyncPlainRecord: "result : an asynchronous method must return Promise<RpcResult<T>>, not 'Req'",
    badValue: `result : RpcResult value : field 'cb' : function types ${X}`,
  };
  for (const [name, why] of Object.entries(bad)) {
    it(`rejects ${name}`, () => {
      const v = result(name);
      expect(v.ok ? 'accepted' : explain(v)).toBe(why);
    });
  }
});
