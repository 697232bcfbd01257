// The generated glue: committed, deterministic, and refused when stale.
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { dequeKind } from '../../runtime/lib/internal.ts';
import { BlockRequest } from '../../runtime/idl/layouts.ts';
import { buildGlue, defaultIdlDir, generatedDirOf, staleGlue } from '../../checker/idl/emit.ts';

describe('generated glue', () => {
  const build = buildGlue();
  const temp: string[] = [];
  afterAll(() => { for (const d of temp) rmSync(d, { recursive: true, force: true }); });

  it('is generated without diagnostics, for every interface', () => {
    expect(build.diagnostics).toEqual([]);
    const text = build.files.map((f) => f.text).join('\n');
    for (const i of build.model.interfaces) {
      if (i.tag === 'idl') {
        expect(text).toContain(`export class ${i.name}Stub implements ${i.name}`);
        expect(text).toContain(`export class ${i.name}Dispatcher`);
        expect(text).toContain(`export function boot${i.name}Shadow(`);
      } else expect(text).toContain(`export function boot${i.name}(`);
    }
  });

  it('matches the committed files (run `npm run generate:idl` after changing the IDL)', () => {
    expect(staleGlue(build.files, generatedDirOf(defaultIdlDir))).toEqual([]);
  });

  it('is deterministic', () => {
    expect(buildGlue().files).toEqual(build.files);
  });

  it('reports stale output when an interface changes', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'idl-'));
    temp.push(dir);
    const idl = path.join(dir, 'idl');
    cpSync(defaultIdlDir, idl, { recursive: true });
    const file = path.join(idl, 'bdev.ts');
    writeFileSync(file, readFileSync(file, 'utf8').replace('blocks(): RpcResult<bigint>;', 'blocks(): RpcResult<number>;'));
    // Imports of the library resolve from the copy's location; link them back to the repository.
    for (const f of readdirSync(idl).filter((n) => n.endsWith('.ts'))) {
      const p = path.join(idl, f);
      writeFileSync(p, readFileSync(p, 'utf8').replaceAll("'../lib/", `'${path.join(defaultIdlDir, '../lib/')}`));
    }
    const changed = buildGlue(idl);
    expect(changed.diagnostics).toEqual([]);
    expect(staleGlue(changed.files, generatedDirOf(defaultIdlDir))).toEqual(['bdev.ts', 'index.ts']);
  });

  it('lists every crossing layout in the type-id table with its id', () => {
    const table = build.files.find((f) => f.path === 'types.ts')!.text;
    expect(table).toMatch(/name: "Cell", canonical: "\{value:u32\}"/);
    expect(table).toMatch(/rrefdeque<\{block:u64,tag:u32,status:i32,write:bool,data:&\[u8;4096\]\};32>/);
    // The id in the table is the one the heap derives from the structure.
    expect(table).toContain(`typeId: ${dequeKind(BlockRequest, 32).typeId}, name: "RRefDeque<BlockRequest, 32>"`);
  });
});
