// Hostile IDL: each fixture folder declares one mistake; the checker reports exactly that one,
// with its rule and the location of the offending token (marked /*!*/ in the fixture).
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { IdlResult } from '../../checker/idl/validate.ts';
import { validateIdl } from '../../checker/idl/validate.ts';
import { fixturesDir, load, markerLocation, repoRoot } from './helpers.ts';

const cases: readonly { dir: string; rule: 'exchangeable-types' | 'idl-shape'; message: string }[] = [
  { dir: 'function-field', rule: 'exchangeable-types', message: "Jobs.run: parameter 'req' : field 'cb' : function types cannot cross a domain boundary" },
  { dir: 'map-param', rule: 'exchangeable-types', message: "Table.load: parameter 'entries' : built-in 'Map' cannot cross a domain boundary" },
  { dir: 'date-param', rule: 'exchangeable-types', message: "Clock.set: parameter 'now' : built-in 'Date' cannot cross a domain boundary" },
  { dir: 'class-instance', rule: 'exchangeable-types', message: "Plot.draw: parameter 'p' : class instances cannot cross a domain boundary" },
  { dir: 'string-in-layout', rule: 'exchangeable-types', message: "Mailbox.post: parameter 'msg' : RRef layout : field 'text' : strings cannot live in the shared heap" },
  { dir: 'any-param', rule: 'exchangeable-types', message: "Loose.take: parameter 'x' : 'any' cannot cross a domain boundary" },
  { dir: 'union-param', rule: 'exchangeable-types', message: "Either.take: parameter 'x' : unions cannot cross a domain boundary" },
  { dir: 'optional-record-field', rule: 'exchangeable-types', message: "Config.apply: parameter 'opts' : field 'flags' : optional fields cannot cross a domain boundary" },
  { dir: 'index-signature', rule: 'exchangeable-types', message: "Store.put: parameter 'bag' : index signatures cannot cross a domain boundary" },
  { dir: 'lookalike-rref', rule: 'exchangeable-types', message: "Forge.bump: parameter 'cell' : 'RRef' is a look-alike declared in tests/checker/fixtures/idl-lookalike-rref/index.ts" },
  { dir: 'lookalike-borrowed', rule: 'exchangeable-types', message: "Lender.peek: parameter 'cell' : 'Borrowed' is a look-alike declared in tests/checker/fixtures/idl-lookalike-borrowed/index.ts" },
  { dir: 'non-rpcresult', rule: 'exchangeable-types', message: "Counter.count: result : a method must return RpcResult<T> (or Promise<RpcResult<T>>), not 'number'" },
  { dir: 'promise-non-rpcresult', rule: 'exchangeable-types', message: "Sleeper.sleep: result : an asynchronous method must return Promise<RpcResult<T>>, not 'number'" },
  { dir: 'overload', rule: 'idl-shape', message: 'Pinger.ping: overloads are not allowed' },
  { dir: 'generic-method', rule: 'idl-shape', message: 'Identity.echo: a method cannot be generic' },
  { dir: 'property', rule: 'idl-shape', message: "Device: property 'name' is not a method" },
  { dir: 'array-of-objects', rule: 'exchangeable-types', message: "Sink.push: parameter 'batch' : field 'items' : arrays cannot cross a domain boundary" },
  { dir: 'optional-param', rule: 'idl-shape', message: "Reader.read: optional parameter 'offset' is not allowed" },
  { dir: 'rest-param', rule: 'idl-shape', message: "Summer.sum: rest parameter 'xs' is not allowed" },
  { dir: 'untagged-interface', rule: 'exchangeable-types', message: "Registry.add: parameter 'peer' : interface 'Peer' is not tagged @idl" },
  { dir: 'borrowed-result', rule: 'exchangeable-types', message: 'Leaky.lend: result : RpcResult value : Borrowed lends a parameter for one call' },
  { dir: 'thenable', rule: 'idl-shape', message: "Thenable.then: 'then' cannot name a method" },
  { dir: 'not-exported', rule: 'idl-shape', message: 'Hidden: an IDL interface must be exported' },
  { dir: 'rref-handle-in-layout', rule: 'exchangeable-types', message: "Pairs.give: parameter 'p' : RRef layout : field 'items' : element : an RRef handle is not data" },
  { dir: 'foreign-interface', rule: 'idl-shape', message: "Relay.via: @idl interface 'Echo' is declared outside the checked files" },
  { dir: 'create-result', rule: 'idl-shape', message: 'CreateSvc.create: a create function returns an @idl interface or a record of them' },
  { dir: 'tagged-alias', rule: 'idl-shape', message: 'only an interface can be tagged @idl' },
];

describe('hostile IDL fixtures', () => {
  const results = new Map<string, IdlResult>();

  beforeAll(() => {
    const files = cases.map((c) => path.join(fixturesDir, `idl-${c.dir}`, 'index.ts'));
    const { host, files: sfs } = load(files);
    cases.forEach((c, i) => results.set(c.dir, validateIdl(host, [sfs[i]!], repoRoot)));
  });

  it('has at least 15 fixtures, all listed here', () => {
    expect(cases.length).toBeGreaterThanOrEqual(15);
  });

  for (const c of cases) {
    it(`rejects idl-${c.dir}`, () => {
      const r = results.get(c.dir)!;
      const file = path.join(fixturesDir, `idl-${c.dir}`, 'index.ts');
      expect(r.diagnostics).toHaveLength(1);
      const d = r.diagnostics[0]!;
      expect(d.ruleId).toBe(c.rule);
      expect(d.file).toBe(file);
      expect(d.message).toContain(c.message);
      expect({ line: d.line, column: d.column }).toEqual(markerLocation(file));
    });
  }
});
