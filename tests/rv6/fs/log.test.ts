// The log: every operation is atomic across a crash of the fs domain and a power cut of the disk
// at any write, with the device's cache draining in any order; recovery replays committed logs.
import { afterEach, describe, expect, it } from 'vitest';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { fsck } from '../../../rv6/host/fsck.ts';
import { T_DEVICE, T_DIR } from '../../../runtime/idl/fs.ts';
import type { FileSystem } from '../../../runtime/idl/fs.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { RRef } from '../../../runtime/lib/index.ts';
import {
  O_CREATE, O_RDONLY, O_RDWR, ROOT_CWD, close, list, machine, open, pattern, readAll, readImage, sha256, unwrap, writeAt,
} from './support.ts';
import type { Machine } from './support.ts';

let m: Machine | undefined;
afterEach(() => {
  m?.shutdown();
  m = undefined;
});

/** Every path under `dir` -> 'dir' or the SHA-256 of the file. */
async function tree(fs: FileSystem, dir = '/', out = new Map<string, string>()): Promise<Map<string, string>> {
  for (const [name] of await list(fs, dir)) {
    if (name === '.' || name === '..') continue;
    const path = `${dir}${name}`;
    const ref = await open(fs, path, O_RDONLY);
    const st = unwrap(await fs.fstat(ref));
    if (st.type === T_DEVICE) {
      out.set(path, `dev ${st.major},${st.minor}`);
      await close(fs, ref);
    } else if (st.type === T_DIR) {
      out.set(path, 'dir');
      await close(fs, ref);
      await tree(fs, `${path}/`, out);
    } else {
      out.set(path, sha256(await readAll(fs, ref)));
      await close(fs, ref);
    }
  }
  return out;
}

const key = (t: Map<string, string>): string => JSON.stringify([...t].sort());

/** A workload of steps, each one transaction at most; errors are ignored (the disk may be dead). */
type Refs = Map<string, number>;
const opened = async (fs: FileSystem, refs: Refs, path: string): Promise<void> => {
  const o = unwrap(await fs.open(ROOT_CWD, path, O_CREATE | O_RDWR));
  if (o.errno === 0) refs.set(path, o.ref);
};
const written = async (fs: FileSystem, refs: Refs, path: string, bytes: Uint8Array): Promise<void> => {
  const ref = refs.get(path);
  if (ref !== undefined) await writeAt(fs, ref, 0, bytes);
};
const closed = async (fs: FileSystem, refs: Refs, path: string): Promise<void> => {
  const ref = refs.get(path);
  if (ref !== undefined) unwrap(await fs.close(ref));
};
const workload: ((fs: FileSystem, refs: Refs) => Promise<unknown>)[] = [
  (fs) => fs.mkdir(ROOT_CWD, '/d'),
  (fs, refs) => opened(fs, refs, '/d/small'),
  (fs, refs) => written(fs, refs, '/d/small', pattern(700, 1)),
  (fs, refs) => closed(fs, refs, '/d/small'),
  (fs, refs) => opened(fs, refs, '/big'),
  // 3000 bytes: one operation over a block boundary, with the inode's size.
  (fs, refs) => written(fs, refs, '/big', pattern(3000, 2)),
  (fs, refs) => closed(fs, refs, '/big'),
  (fs) => fs.link(ROOT_CWD, '/d/small', '/alias'),
  (fs) => fs.unlink(ROOT_CWD, '/d/small'),
  (fs) => fs.mknod(ROOT_CWD, '/d/dev', 2, 3),
  (fs) => fs.unlink(ROOT_CWD, '/big'),
  (fs) => fs.unlink(ROOT_CWD, '/keep'),
];

/** The tree after each prefix of the workload, from a run without faults. */
async function snapshots(image: Uint8Array): Promise<{ states: string[]; writes: number }> {
  const mm = await machine(image);
  try {
    const before = unwrap(mm.ram.stats()).writes;
    const states = [key(await tree(mm.fs))];
    const refs: Refs = new Map();
    for (const op of workload) {
      await op(mm.fs, refs);
      states.push(key(await tree(mm.fs)));
    }
    return { states, writes: unwrap(mm.ram.stats()).writes - before };
  } finally {
    mm.shutdown();
  }
}

describe('the log', () => {
  it('commits each operation with three flushes: log, header, install (and the cleared header before the next)', async () => {
    m = await machine(mkfs([]));
    const s0 = unwrap(m.ram.stats());
    expect(unwrap(await m.fs.mkdir(ROOT_CWD, '/a'))).toBe(0);
    const s1 = unwrap(m.ram.stats());
    expect(s1.flushes - s0.flushes).toBe(3);
    // Nothing waits in the cache but the cleared header.
    expect(s1.pending).toBe(1);
    expect(unwrap(await m.fs.mkdir(ROOT_CWD, '/b'))).toBe(0);
    expect(unwrap(m.ram.stats()).flushes - s1.flushes).toBe(4);
    // A read-only operation writes nothing.
    const s2 = unwrap(m.ram.stats());
    await list(m.fs, '/');
    expect(unwrap(m.ram.stats()).writes).toBe(s2.writes);
  });

  it('groups concurrent operations into one commit', async () => {
    m = await machine(mkfs([]));
    const s0 = unwrap(m.ram.stats());
    const results = await Promise.all([m.fs.mkdir(ROOT_CWD, '/x'), m.fs.mkdir(ROOT_CWD, '/y')]);
    expect(results.map(unwrap)).toEqual([0, 0]);
    expect(unwrap(m.ram.stats()).flushes - s0.flushes).toBe(3);
    expect([...(await list(m.fs, '/')).keys()].sort()).toEqual(['.', '..', 'x', 'y']);
  });

  it('survives a power cut at every write of a workload, with any part of the cache drained', async () => {
    const image = mkfs([{ path: 'keep', data: pattern(5000, 9) }]);
    const { states, writes } = await snapshots(image);
    expect(writes).toBeGreaterThan(20);
    const seen = new Set<number>();
    for (let cut = 1; cut <= writes; cut++) {
      for (const seed of [0, cut * 7919, cut * 104729 + 1, cut * 31 + 5, cut * 65537 + 3]) {
        const mm = await machine(image);
        try {
          unwrap(mm.ram.cutAfter(cut, seed));
          const refs: Refs = new Map();
          for (const op of workload) await op(mm.fs, refs);
          mm.kernel.crash(mm.fsId, 'power cut');
          unwrap(mm.ram.powerOn());
          await mm.remount();
          const image2 = readImage(mm.disk);
          const report = fsck(image2, { requireEmptyLog: true });
          expect(report.problems.filter((p) => p.kind !== 'image-size'), `cut ${cut} seed ${seed}`).toEqual([]);
          const state = key(await tree(mm.fs));
          const at = states.indexOf(state);
          expect(at, `cut after ${cut} writes (seed ${seed}): ${state} is not the state after any prefix of the workload`).toBeGreaterThanOrEqual(0);
          seen.add(at);
        } finally {
          mm.shutdown();
        }
      }
    }
    // The cuts land between every pair of operations (closes change nothing on the disk).
    expect(seen.size).toBe(new Set(states).size);
  });

  it('replays a committed log at mount, after the fs domain crashed mid-commit', async () => {
    const image = mkfs([]);
    let replayedSeen = false;
    // Cut right after the header write of the first commit (log pages, flush, header).
    for (let cut = 1; cut <= 8 && !replayedSeen; cut++) {
      const mm = await machine(image);
      try {
        unwrap(mm.ram.cutAfter(cut, 0));
        await mm.fs.mkdir(ROOT_CWD, '/committed');
        mm.kernel.crash(mm.fsId, 'crash');
        unwrap(mm.ram.powerOn());
        await mm.remount();
        if (mm.output.some((l) => l.includes('replayed'))) {
          replayedSeen = true;
          expect((await list(mm.fs, '/')).has('committed')).toBe(true);
        }
      } finally {
        mm.shutdown();
      }
    }
    expect(replayedSeen).toBe(true);
  });

  it('keeps the disk consistent when the fs domain is crashed in the middle of a write call', async () => {
    m = await machine(mkfs([]));
    const ref = await open(m.fs, '/long', O_CREATE | O_RDWR);
    const data = pattern(40 * 1024, 5);
    expect(await writeAt(m.fs, ref, 0, data.subarray(0, 9 * 4096))).toEqual({ n: 9 * 4096, errno: 0 });
    // The tenth call writes 4 KiB as two operations and lets other work run between them.
    const buf = RRef.new(Block);
    buf.withBytes((b) => b.set(data.subarray(9 * 4096, 10 * 4096)));
    const pending = m.fs.write(ref, 9 * 4096, 4096, buf);
    await new Promise((r) => setImmediate(r));
    m.kernel.crash(m.fsId, 'killed mid-write');
    const r = await pending;
    expect(r.ok).toBe(false);
    expect(m.kernel.info(m.fsId)?.state).toBe('crashed');
    await m.remount();
    expect(fsck(readImage(m.disk), { requireEmptyLog: true }).status).toBe('clean');
    const got = await readAll(m.fs, await open(m.fs, '/long', O_RDONLY));
    // The first operation of the call committed (3 KiB), the second never ran.
    expect(got.length).toBe(9 * 4096 + 3072);
    expect(Buffer.compare(got, data.subarray(0, got.length))).toBe(0);
  });

  it('frees at mount a file that was unlinked while open when the fs domain died', async () => {
    const image = mkfs([]);
    m = await machine(image);
    const bitmap = (img: Uint8Array): Uint8Array => img.subarray(45 * 1024, 46 * 1024);
    const data = pattern(50_000, 8);
    const ref = await open(m.fs, '/tmp', O_CREATE | O_RDWR);
    await writeAt(m.fs, ref, 0, data);
    expect(unwrap(await m.fs.unlink(ROOT_CWD, '/tmp'))).toBe(0);
    expect(Buffer.compare(await readAll(m.fs, ref), data)).toBe(0);
    m.kernel.crash(m.fsId, 'died with an open unlinked file');
    expect(fsck(readImage(m.disk)).problems.map((p) => p.kind)).toContain('orphan');
    await m.remount();
    expect(m.output.filter((l) => l.includes('freed 1 unlinked inodes'))).toHaveLength(1);
    expect(fsck(readImage(m.disk), { requireEmptyLog: true }).status).toBe('clean');
    // Every block of the file is free again.
    expect(Buffer.compare(bitmap(readImage(m.disk)), bitmap(image))).toBe(0);
  });
});
