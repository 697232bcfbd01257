// The system's IDL (runtime/idl) validates clean, and its model matches the committed snapshot,
// so every change to an interface shows in review. Regenerate with UPDATE_SNAPSHOTS=1.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ts as morphTs } from 'ts-morph';
import { describe, expect, it } from 'vitest';
import { addIdlFolders, createIdlProject, hostOf } from '../../checker/idl/load.ts';
import { canonicalJson, interfaceDigest } from '../../checker/idl/model.ts';
import { validateIdl } from '../../checker/idl/validate.ts';
import * as layouts from '../../runtime/idl/layouts.ts';
import { fixturesDir, repoRoot, snapshotFile } from './paths.ts';


const project = createIdlProject();
const [runtimeFiles, goodFiles] = addIdlFolders(project, [path.join(repoRoot, 'runtime/idl'), path.join(fixturesDir, 'idl-good')]);
const host = hostOf(project);
const runtime = validateIdl(host, runtimeFiles!, repoRoot);
const good = validateIdl(host, goodFiles!, repoRoot);

describe('runtime/idl', () => {
  it("runs the policy on ts-morph's own TypeScript copy, the one its checker was built with", () => {
    expect(host.ts).toBe(morphTs);
  });

  it('validates clean', () => {
    expect(runtime.diagnostics).toEqual([]);
  });

  it('models every tagged interface', () => {
    expect(runtime.model.interfaces.map((i) => `${i.tag} ${i.name}`)).toEqual([
      'idl BDev', 'idl BlockApp', 'idl Callee', 'idl Caller', 'idl Console', 'create CreateBDev', 'create CreateBlockApp',
      'create CreateCallee', 'create CreateCaller', 'create CreateEcho', 'create CreateFileSystem', 'create CreateNet',
      'create CreateNetShadow', 'create CreateNvme', 'create CreateNvmeShadow', 'create CreatePacketApp',
      'create CreateProbe', 'create CreateProgram', 'create CreateRamDisk', 'create CreateRegisterProbe', 'create CreateRv6Core',
      'idl Echo', 'idl FileSystem', 'idl Loader', 'idl Net', 'idl NvmeBDev', 'idl PacketApp', 'idl Probe', 'idl Program',
      'idl RamDisk', 'idl RegisterProbe', 'idl Rv6', 'idl Rv6Core',
    ]);
  });

  it('matches the committed model snapshot', () => {
    const text = `${JSON.stringify(runtime.model, null, 2)}\n`;
    if (process.env['UPDATE_SNAPSHOTS'] === '1') writeFileSync(snapshotFile, text);
    expect(existsSync(snapshotFile), 'snapshot missing: run with UPDATE_SNAPSHOTS=1').toBe(true);
    expect(text, 'the IDL model changed: review, then run with UPDATE_SNAPSHOTS=1').toBe(readFileSync(snapshotFile, 'utf8'));
  });

  it('is deterministic: a second project builds the same model', () => {
    const p2 = createIdlProject();
    const [files] = addIdlFolders(p2, [path.join(repoRoot, 'runtime/idl')]);
    expect(canonicalJson(validateIdl(hostOf(p2), files!, repoRoot).model)).toBe(canonicalJson(runtime.model));
  });

  it('digests each interface by its canonical model, not by its file', () => {
    for (const i of runtime.model.interfaces) expect(i.digest).toBe(interfaceDigest({ name: i.name, tag: i.tag, methods: i.methods }));
    expect(new Set(runtime.model.interfaces.map((i) => i.digest)).size).toBe(runtime.model.interfaces.length);
  });

  it('gives each layout declared with Infer<typeof X> the canonical string the heap computes for X', () => {
    const found = new Map<string, string>();
    const visit = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(visit);
      else if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        if (typeof o['text'] === 'string' && typeof o['canonical'] === 'string') found.set(o['text'], o['canonical']);
        Object.values(o).forEach(visit);
      }
    };
    visit(runtime.model);
    expect([...found.keys()].sort()).toEqual(['Block', 'BlockRequest', 'Cell', 'PacketBuffer']);
    for (const [name, canonical] of found) expect(canonical).toBe((layouts as unknown as Record<string, { canonical: string }>)[name]!.canonical);
  });

  it('records how each parameter crosses', () => {
    const echo = runtime.model.interfaces.find((i) => i.name === 'Echo')!;
    const kinds = Object.fromEntries(echo.methods.map((m) => [m.name, [m.mode, ...m.params.map((p) => `${p.name}:${p.type.kind}`), `-> ${m.result.kind}`].join(' ')]));
    expect(kinds).toEqual({
      ping: 'sync -> undefined',
      add: 'sync a:number b:number -> number',
      bump: 'sync cell:rref -> rref',
      peek: 'sync cell:borrowed -> number',
      consume: 'sync bytes:rrefvec -> number',
      later: 'async value:number ms:number -> number',
      forward: 'sync next:interface a:number b:number -> number',
      crash: 'sync message:string -> undefined',
      crashVia: 'sync next:interface message:string -> undefined',
      laterVia: 'async next:interface value:number ms:number -> number',
      calls: 'sync -> number',
      pair: 'sync first:rref second:rref -> record',
      sysInfo: 'async -> record',
    });
  });
});

describe('a clean IDL using every crossing kind', () => {
  it('validates clean', () => {
    expect(good.diagnostics).toEqual([]);
  });

  it('models aliases, borrowed collections, records with handles and interfaces, and create functions', () => {
    const store = good.model.interfaces.find((i) => i.name === 'Store')!;
    expect(store.file).toBe('tests/checker/fixtures/idl-good/index.ts');
    const [put, get, peek, swap] = store.methods;
    expect(put).toMatchObject({ mode: 'sync', result: { kind: 'undefined' }, params: [{ name: 'key', type: { kind: 'string' } }, { name: 'value', type: { kind: 'rrefvec', element: 'number' } }] });
    expect(get).toMatchObject({ mode: 'async', result: { kind: 'rrefvec', element: 'number' } });
    expect(peek!.params.map((p) => p.type)).toEqual([
      { kind: 'borrowed', handle: { kind: 'rrefvec', element: 'number' } },
      { kind: 'borrowed', handle: { kind: 'rrefarray', length: 4, layout: { text: 'Cell', shape: { kind: 'struct', fields: [{ name: 'value', kind: 'value', type: { kind: 'number' } }] } } } },
    ]);
    expect(swap!.params.map((p) => p.type.kind)).toEqual(['rrefdeque', 'undefined', 'bigint']);
    expect(swap!.result).toMatchObject({ kind: 'record', name: 'Reply', fields: [
      { name: 'code', type: { kind: 'number' } },
      { name: 'text', type: { kind: 'string' } },
      { name: 'cell', type: { kind: 'rref' } },
      { name: 'peer', type: { kind: 'interface', name: 'Store' } },
    ] });
    const create = good.model.interfaces.find((i) => i.name === 'CreateStore')!;
    expect(create.methods).toEqual([{ name: 'create', mode: 'create', params: [{ name: 'parent', type: { kind: 'interface', name: 'Store' } }], result: { kind: 'interface', name: 'Store' } }]);
  });
});
