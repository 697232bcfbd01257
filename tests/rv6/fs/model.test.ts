// Property: random sequences of operations leave the file system as an in-memory model of the
// tree says, answer the model's errno for each call, survive a crash of the fs domain between
// calls, and keep the image consistent for fsck.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as E from '../../../runtime/idl/errno.ts';
import { T_DIR } from '../../../runtime/idl/fs.ts';
import type { FileSystem } from '../../../runtime/idl/fs.ts';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { fsck } from '../../../rv6/host/fsck.ts';
import { O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, ROOT_CWD, list, machine, readAll, readImage, unwrap, writeAt } from './support.ts';

type FileNode = { kind: 'file'; data: Uint8Array };
type Node = FileNode | { kind: 'dir' };

/** The expected tree: every path names a node; hard links share a file node. */
class Model {
  readonly entries = new Map<string, Node>();
  readonly root: Node = { kind: 'dir' };

  /** The node at `comps`, or the errno of the walk (as the fs walks: ENOTDIR before ENOENT of a child). */
  walk(comps: readonly string[]): Node | number {
    let cur = this.root;
    for (let i = 0; i < comps.length; i++) {
      if (cur.kind !== 'dir') return E.ENOTDIR;
      const next = this.entries.get(`/${comps.slice(0, i + 1).join('/')}`);
      if (next === undefined) return E.ENOENT;
      cur = next;
    }
    return cur;
  }

  /** 0 when the parent of `path` is a directory, else its errno. */
  parent(path: string): number {
    const p = this.walk(comps(path).slice(0, -1));
    return typeof p === 'number' ? p : p.kind === 'dir' ? 0 : E.ENOTDIR;
  }

  children(path: string): string[] {
    return [...this.entries.keys()].filter((k) => k.startsWith(`${path}/`) && !k.slice(path.length + 1).includes('/'));
  }
}

const comps = (path: string): string[] => path.split('/').filter((c) => c !== '');

const dirs = ['', '', '/d', '/d/e'];
const names = ['a', 'b', 'a', 'd', 'e'];
const pathArb = fc.tuple(fc.constantFrom(...dirs), fc.constantFrom(...names)).map(([d, n]) => `${d}/${n}`);
const linkArb = fc.tuple(fc.constantFrom(...dirs), fc.constantFrom('l', 'm')).map(([d, n]) => `${d}/${n}`);
const anyPathArb = fc.oneof(pathArb, linkArb);
const dataArb = fc.integer({ min: 0, max: 6000 }).chain((n) => fc.uint8Array({ minLength: n, maxLength: n }));

type Op =
  | { op: 'write'; path: string; data: Uint8Array }
  | { op: 'append'; path: string; data: Uint8Array }
  | { op: 'mkdir'; path: string }
  | { op: 'unlink'; path: string }
  | { op: 'link'; path: string; to: string }
  | { op: 'read'; path: string }
  | { op: 'remount' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ op: fc.constant('write' as const), path: pathArb, data: dataArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('append' as const), path: anyPathArb, data: dataArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('mkdir' as const), path: pathArb }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('unlink' as const), path: anyPathArb }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('link' as const), path: pathArb, to: fc.oneof(linkArb, linkArb, pathArb) }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('read' as const), path: anyPathArb }) },
  { weight: 1, arbitrary: fc.constant({ op: 'remount' as const }) },
);

/** Opens `path` with `flags` and applies `fn`; returns the open's errno. */
async function withOpen(fs: FileSystem, path: string, flags: number, fn: (ref: number) => Promise<void>): Promise<number> {
  const o = unwrap(await fs.open(ROOT_CWD, path, flags));
  if (o.errno !== 0) return o.errno;
  try {
    await fn(o.ref);
  } finally {
    expect(unwrap(await fs.close(o.ref))).toBe(0);
  }
  return 0;
}

/** Calls that succeeded, by kind: the sequences must do real work, not only fail. */
const succeeded = new Map<string, number>();

async function apply(fs: FileSystem, model: Model, op: Exclude<Op, { op: 'remount' }>): Promise<void> {
  const name = (n: number): string => E.errnoName(n);
  const done = (n: number): number => {
    if (n === 0) succeeded.set(op.op, (succeeded.get(op.op) ?? 0) + 1);
    return n;
  };
  const what = JSON.stringify({ ...op, data: undefined });
  const node = (path: string): Node | number => model.walk(comps(path));
  switch (op.op) {
    case 'write': {
      const n = node(op.path);
      const want = typeof n === 'object' ? (n.kind === 'dir' ? E.EISDIR : 0) : n === E.ENOENT ? model.parent(op.path) : n;
      const got = await withOpen(fs, op.path, O_CREATE | O_TRUNC | O_RDWR, async (ref) => {
        expect(await writeAt(fs, ref, 0, op.data)).toEqual({ n: op.data.length, errno: 0 });
      });
      expect(name(done(got)), what).toBe(name(want));
      if (want === 0) {
        if (typeof n === 'object' && n.kind === 'file') n.data = op.data;
        else model.entries.set(op.path, { kind: 'file', data: op.data });
      }
      return;
    }
    case 'append': {
      const n = node(op.path);
      const want = typeof n === 'number' ? n : n.kind === 'dir' ? E.EISDIR : 0;
      const got = await withOpen(fs, op.path, O_RDWR, async (ref) => {
        const size = unwrap(await fs.fstat(ref)).size;
        expect(await writeAt(fs, ref, size, op.data)).toEqual({ n: op.data.length, errno: 0 });
      });
      expect(name(done(got)), what).toBe(name(want));
      if (want === 0 && typeof n === 'object' && n.kind === 'file') n.data = Buffer.concat([n.data, op.data]);
      return;
    }
    case 'mkdir': {
      const n = node(op.path);
      const want = typeof n === 'object' ? E.EEXIST : n === E.ENOENT ? model.parent(op.path) : n;
      expect(name(done(unwrap(await fs.mkdir(ROOT_CWD, op.path)))), what).toBe(name(want));
      if (want === 0) model.entries.set(op.path, { kind: 'dir' });
      return;
    }
    case 'unlink': {
      const n = node(op.path);
      const want = typeof n === 'number' ? n : n.kind === 'dir' && model.children(op.path).length > 0 ? E.ENOTEMPTY : 0;
      expect(name(done(unwrap(await fs.unlink(ROOT_CWD, op.path)))), what).toBe(name(want));
      if (want === 0) model.entries.delete(op.path);
      return;
    }
    case 'link': {
      const src = node(op.path);
      const dst = node(op.to);
      let want: number;
      if (typeof src === 'number') want = src;
      else if (src.kind === 'dir') want = E.EPERM;
      else if (typeof dst === 'object') want = E.EEXIST;
      else want = dst === E.ENOENT ? model.parent(op.to) : dst;
      expect(name(done(unwrap(await fs.link(ROOT_CWD, op.path, op.to)))), what).toBe(name(want));
      if (want === 0 && typeof src === 'object') model.entries.set(op.to, src);
      return;
    }
    case 'read': {
      const n = node(op.path);
      let data: Uint8Array | undefined;
      const got = await withOpen(fs, op.path, O_RDONLY, async (ref) => {
        data = await readAll(fs, ref);
      });
      expect(name(done(got)), what).toBe(name(typeof n === 'number' ? n : 0));
      if (typeof n === 'object' && n.kind === 'file') expect(Buffer.compare(data!, n.data), what).toBe(0);
      return;
    }
  }
}

/** The file system's tree as the model writes it: path -> 'dir' or the file's bytes, and link counts. */
async function compare(fs: FileSystem, model: Model): Promise<void> {
  const seen = new Map<string, string>();
  const walk = async (dir: string): Promise<void> => {
    for (const [n] of await list(fs, dir === '' ? '/' : dir)) {
      if (n === '.' || n === '..') continue;
      const path = `${dir}/${n}`;
      const o = unwrap(await fs.open(ROOT_CWD, path, O_RDONLY));
      expect(o.errno).toBe(0);
      const st = unwrap(await fs.fstat(o.ref));
      if (st.type === T_DIR) seen.set(path, 'dir');
      else seen.set(path, `${Buffer.from(await readAll(fs, o.ref)).toString('hex')} nlink ${st.nlink}`);
      expect(unwrap(await fs.close(o.ref))).toBe(0);
      if (st.type === T_DIR) await walk(path);
    }
  };
  await walk('');
  const links = new Map<Node, number>();
  for (const n of model.entries.values()) links.set(n, (links.get(n) ?? 0) + 1);
  const want = new Map<string, string>();
  for (const [p, n] of model.entries) want.set(p, n.kind === 'dir' ? 'dir' : `${Buffer.from(n.data).toString('hex')} nlink ${links.get(n)}`);
  expect(new Map([...seen].sort())).toEqual(new Map([...want].sort()));
}

describe('random operation sequences against a model', () => {
  it('agree with the model, across remounts, and leave a clean image', async () => {
    const image = mkfs([], { size: 1200, ninodes: 100 });
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { minLength: 20, maxLength: 60, size: 'max' }), async (ops) => {
        const m = await machine(image);
        try {
          const model = new Model();
          for (const op of ops) {
            if (op.op === 'remount') {
              m.kernel.crash(m.fsId, 'remount');
              await m.remount();
              await compare(m.fs, model);
            } else {
              await apply(m.fs, model, op);
            }
          }
          await compare(m.fs, model);
          expect(fsck(readImage(m.disk), { requireEmptyLog: true }).status).toBe('clean');
        } finally {
          m.shutdown();
        }
      }),
      { numRuns: 60, seed: 20200, endOnFailure: true },
    );
    for (const kind of ['write', 'append', 'mkdir', 'unlink', 'link', 'read']) expect(succeeded.get(kind) ?? 0, kind).toBeGreaterThan(15);
  });
});
