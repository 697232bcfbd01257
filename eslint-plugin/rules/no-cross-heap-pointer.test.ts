import { readFileSync } from 'node:fs';
import path from 'node:path';
import rule from './no-cross-heap-pointer.ts';
import { IDL, LIB, hostFile, plainTester, repoRoot, typedTester } from '../tester.ts';

const head = [
  `import { RRef, RRefVec, ok, u8 } from ${LIB};`,
  `import type { Borrowed, RpcResult, Syscalls } from ${LIB};`,
  `import type { Echo } from ${IDL('test.ts')};`,
  `import { Cell } from ${IDL('layouts.ts')};`,
  '',
].join('\n');

/** A real domain's source, its imports rewritten for the test file's folder. */
function domainSource(dir: string): string {
  return readFileSync(path.join(repoRoot, dir, 'main.ts'), 'utf8').replaceAll("'../../../../runtime/", "'../../../runtime/");
}

const allowed = 'a domain imports only the trusted library runtime/lib/index.ts, the IDL files directly in runtime/idl/ and its own files';
const lent = (name: string): string => `\`${name}\` is lent for this call (Borrowed) and revoked when the call returns`;
const view = (name: string): string => `\`${name}\` is withBytes's raw view of shared memory, valid only inside the callback`;

typedTester().run('no-cross-heap-pointer', rule, {
  valid: [
    // The real domains.
    domainSource('tests/kernel/domains/echo'),
    domainSource('bench/domains/callee'),
    domainSource('bench/domains/caller'),
    // Own files, the IDL, and type-only imports of both.
    `import { helper } from './helper.ts';\nimport type { Probe } from ${IDL('test.ts')};\nimport type { Block } from ${IDL('layouts.ts')};\nexport { Cell } from ${IDL('layouts.ts')};\nvoid helper;\nexport type P = Probe | Block;`,
    // Reading a lent cell, comparing it, lending it on to a Borrowed parameter, copying from it.
    `${head}function read(c: Borrowed<RRef<Cell>>): number { return c.get('value'); }
export function peek(cell: Borrowed<RRef<Cell>>, other: RRef<Cell>): RpcResult<number> {
  if (cell === other || typeof cell !== 'object') return ok(0);
  other.copyFrom(cell);
  const alias = cell;
  void cell;
  return ok(read(cell) + alias.get('value'));
}`,
    // An async function reads the lent cell before its first await.
    `${head}export async function f(sys: Syscalls, cell: Borrowed<RRef<Cell>>): Promise<number> {
  const v = cell.get('value');
  await sys.yield();
  return v;
}`,
    // Closures that do not mention the lent cell; a nested parameter of the same name is another variable.
    `${head}export function f(cell: Borrowed<RRef<Cell>>): number[] {
  const v = cell.get('value');
  return [1, 2].map((x) => x + v).concat([3].map((cell) => cell));
}`,
    // Keeping an interface reference and an owned RRef is fine.
    `${head}const next: Echo[] = [];\nconst kept: RRef<Cell>[] = [];
export function keep(e: Echo, c: RRef<Cell>): void { next.push(e); kept.push(c); }`,
    // withBytes: reading, copying out, writing in, subarray used inside.
    `${head}export function sum(v: RRefVec<number>, out: Uint8Array): number {
  return v.withBytes((bytes) => {
    let n = 0;
    for (let i = 0; i < bytes.length; i++) n += bytes[i] ?? 0;
    out.set(bytes.subarray(0, 2));
    const copy = new Uint8Array(bytes);
    bytes.fill(0);
    return n + copy.length + bytes.subarray(1).reduce((a, b) => a + b, 0);
  });
}`,
    `${head}export const copyOf = (v: RRefVec<number>): Uint8Array => v.withBytes((bytes) => bytes.slice());`,
    // Outside a domain folder the rule says nothing.
    { code: `import { readFileSync } from 'node:fs';\n${head}let stash: unknown;\nexport function f(cell: Borrowed<RRef<Cell>>): void { stash = cell; void stash; void readFileSync; }`, filename: hostFile },
  ],
  invalid: [
    // ---- imports ----
    {
      code: `import { Kernel } from '../../../runtime/kernel/kernel.ts';\nexport const k = new Kernel();`,
      errors: [{ messageId: 'violation', data: { message: `'../../../runtime/kernel/kernel.ts' imports runtime/kernel/kernel.ts, the kernel; ${allowed}` } }],
    },
    {
      code: `import { attach } from '../../../runtime/lib/internal.ts';\nvoid attach;`,
      errors: [{ messageId: 'violation', data: { message: `'../../../runtime/lib/internal.ts' imports runtime/lib/internal.ts, an internal of the trusted library (its public surface is runtime/lib/index.ts); ${allowed}` } }],
    },
    {
      code: `import { stubOfEcho } from '../../../runtime/idl/generated/test.ts';\nvoid stubOfEcho;`,
      errors: [{ messageId: 'violation', data: { message: `'../../../runtime/idl/generated/test.ts' imports runtime/idl/generated/test.ts, the generated glue (only the kernel makes stubs and dispatchers); ${allowed}` } }],
    },
    {
      code: `import type { SharedHeap } from '../../../runtime/heap/heap.ts';\nexport type H = SharedHeap;`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `export * from '../../../runtime/lib/handles.ts';`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `import { readFileSync } from 'node:fs';\nvoid readFileSync;`,
      errors: [{ messageId: 'violation', data: { message: `'node:fs' is a package or a Node.js module; a domain has neither (${allowed})` } }],
    },
    {
      code: `import { build } from 'esbuild';\nvoid build;`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `import { create } from '../../../tests/kernel/domains/echo/main.ts';\nvoid create;`,
      errors: [{ messageId: 'violation', data: { message: `'../../../tests/kernel/domains/echo/main.ts' imports tests/kernel/domains/echo/main.ts, a file of another domain (tests/kernel/domains/echo): call that domain through its IDL interface; ${allowed}` } }],
    },
    // Another domain's code, even to compare with it (it would run outside that domain's check and signature).
    {
      code: `import { create } from '../../../bench/domains/callee/main.ts';\nvoid create;`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `import { fromPolicy } from '../../adapter.ts';\nvoid fromPolicy;`,
      errors: [{ messageId: 'violation', data: { message: `'../../adapter.ts' imports eslint-plugin/adapter.ts, outside this domain; ${allowed}` } }],
    },
    // ---- borrowed handles ----
    {
      code: `${head}let stash: RRef<Cell> | undefined;\nexport function peek(cell: Borrowed<RRef<Cell>>): number { stash = cell; return stash.get('value'); }`,
      errors: [{ messageId: 'violation', data: { message: `${lent('cell')}; assigning it to \`stash\`, which outlives the call, keeps it: read the values you need (\`cell.get(...)\`) and keep those` } }],
    },
    {
      code: `${head}export function launder(cell: Borrowed<RRef<Cell>>): RRef<Cell> { return cell; }`,
      errors: [{ messageId: 'violation', data: { message: `${lent('cell')}; returning it hands the caller's handle back out of the call: read the values you need (\`cell.get(...)\`) and return those` } }],
    },
    {
      code: `${head}export const launder = (cell: Borrowed<RRef<Cell>>): RRef<Cell> => (cell as RRef<Cell>);`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export function f(cell: Borrowed<RRef<Cell>>): never { throw cell; }`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export function f(cell: Borrowed<RRef<Cell>>, box: { c?: RRef<Cell> }): unknown[] { Object.assign(box, { cell }); return [cell]; }`,
      errors: [{ messageId: 'violation' }, { messageId: 'violation' }],
    },
    {
      code: `${head}const kept: RRef<Cell>[] = [];\nexport function f(cell: Borrowed<RRef<Cell>>): void { const c = cell; kept.push(c); }`,
      errors: [{ messageId: 'violation', data: { message: `\`c\` (which holds \`cell\`) is lent for this call (Borrowed) and revoked when the call returns; \`kept.push(...)\` keeps it beyond the call: read the values you need (\`cell.get(...)\`) and keep those` } }],
    },
    {
      code: `${head}function keep(c: RRef<Cell>): void { void c; }\nexport function f(cell: Borrowed<RRef<Cell>>): Promise<unknown> { keep(cell); return Promise.resolve(cell); }`,
      errors: [
        { messageId: 'violation', data: { message: `${lent('cell')}; passing it to \`keep(...)\`, whose parameter is not Borrowed, may keep it: lend it only to a Borrowed parameter, or call its own methods` } },
        { messageId: 'violation' },
      ],
    },
    {
      code: `${head}export function f(sys: Syscalls, cell: Borrowed<RRef<Cell>>): void {\n  sys.spawn('late', () => { cell.set('value', 0); });\n}`,
      errors: [{ messageId: 'violation', data: { message: `${lent('cell')}; the closure on line 6 captures it and may run after the call has ended: read the values you need (\`cell.get(...)\`) first, and capture those` } }],
    },
    {
      code: `${head}export async function f(sys: Syscalls, cell: Borrowed<RRef<Cell>>): Promise<number> {\n  await sys.yield();\n  return cell.get('value');\n}`,
      errors: [{ messageId: 'violation', data: { message: `${lent('cell')}; it is used after the await on line 6, when the call may have returned and the borrow ended: read what you need before the first await` } }],
    },
    {
      code: `${head}export async function f(sys: Syscalls, cell: Borrowed<RRef<Cell>>): Promise<number> {\n  let n = 0;\n  for (let i = 0; i < 3; i++) { n += cell.get('value'); await sys.yield(); }\n  return n;\n}`,
      errors: [{ messageId: 'violation' }],
    },
    // An IDL method implemented without Borrowed still receives a lent cell.
    {
      code: `${head}const kept: RRef<Cell>[] = [];\nexport const impl: Pick<Echo, 'peek'> = {\n  peek(cell: RRef<Cell>) { kept.push(cell); return ok(0); },\n};`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}let stash: unknown;\nexport const impl: Pick<Echo, 'peek'> = {\n  peek: (cell) => { stash = cell; return ok(0); },\n};`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}let stash: unknown;\nexport function f(cell: Borrowed<RRef<Cell>>): void { stash = arguments; void cell; }`,
      errors: [{ messageId: 'violation' }],
    },
    // ---- withBytes views ----
    {
      code: `${head}let raw: Uint8Array | undefined;\nexport function f(v: RRefVec<number>): void { v.withBytes((bytes) => { raw = bytes; }); }`,
      errors: [{ messageId: 'violation', data: { message: `${view('bytes')}; assigning it to \`raw\`, which outlives the callback, keeps it: copy the bytes you need (\`bytes.slice()\`, or .set() into your own array) and keep those` } }],
    },
    {
      code: `${head}export const leak = (v: RRefVec<number>): Uint8Array => v.withBytes((bytes) => bytes);`,
      errors: [{ messageId: 'violation', data: { message: `${view('bytes')}; withBytes returns what the callback returns, so the view would outlive it: copy the bytes you need (\`bytes.slice()\`, or .set() into your own array) and return that` } }],
    },
    {
      code: `${head}export const leak = (v: RRefVec<number>): Uint8Array => v.withBytes((bytes) => { return bytes.subarray(4); });`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}let raw: Uint8Array | undefined;\nexport function f(v: RRefVec<number>): void { v.withBytes((bytes) => { raw = bytes.fill(0); }); }`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}const views: Uint8Array[] = [];\nexport function f(v: RRefVec<number>): void { v.withBytes((bytes) => views.push(bytes)); }`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export function f(v: RRefVec<number>): number { return v.withBytes((bytes) => new Uint8Array(bytes.buffer).length); }`,
      errors: [{ messageId: 'violation', data: { message: `${view('bytes')}; \`bytes.buffer\` is the whole shared memory behind the view, not this object's bytes: use \`bytes\` itself (or \`bytes.slice()\` for a copy)` } }],
    },
    {
      code: `${head}function stash(b: Uint8Array): void { void b; }\nexport function f(v: RRefVec<number>): void { v.withBytes((bytes) => { stash(bytes); }); }`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export function f(sys: Syscalls, v: RRefVec<number>): void { v.withBytes((bytes) => { sys.spawn('t', () => { bytes[0] = 1; }); }); }`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export function f(sys: Syscalls, v: RRefVec<number>): void { void v.withBytes(async (bytes) => { await sys.yield(); bytes[0] = 1; }); }`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `${head}export function f(v: RRefVec<number>, fn: (b: Uint8Array) => void): void { v.withBytes(fn); }`,
      errors: [{ messageId: 'violation' }],
    },
  ],
});

// Without type information only the import check runs.
plainTester().run('no-cross-heap-pointer (no types)', rule, {
  valid: [
    `${head}let stash: unknown;\nexport function f(cell: Borrowed<RRef<Cell>>): void { stash = cell; void stash; }`,
  ],
  invalid: [
    {
      code: `import { Kernel } from '../../../runtime/kernel/kernel.ts';\nvoid Kernel;`,
      errors: [{ messageId: 'violation' }],
    },
    {
      code: `import fs from 'fs';\nvoid fs;`,
      errors: [{ messageId: 'violation' }],
    },
  ],
});
