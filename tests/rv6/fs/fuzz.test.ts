// Property: whatever bytes of the metadata are damaged, mount either refuses with a reason or
// every call answers (an errno at worst): the fs domain never crashes and never hangs.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { DomainLoadError } from '../../../runtime/kernel/kernel.ts';
import type { FileSystem } from '../../../runtime/idl/fs.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import { RRef } from '../../../runtime/lib/index.ts';
import { O_CREATE, O_RDONLY, O_RDWR, ROOT_CWD, machine, pattern, unwrap } from './support.ts';

const BSIZE = 1024;
const image = mkfs([
  { path: 'a/b/c', data: pattern(3000, 1) },
  { path: 'a/big', data: pattern(40_000, 2) },
  { path: 'f', data: pattern(700, 3) },
  { path: 'd', directory: true },
]);
/** Where damage matters: the superblock, the log header, the used inodes, the bitmap, the directories. */
const hot: readonly [number, number][] = [
  [BSIZE + 4, BSIZE + 32],
  [2 * BSIZE, 2 * BSIZE + 16],
  [32 * BSIZE, 32 * BSIZE + 9 * 64],
  [45 * BSIZE, 45 * BSIZE + 16],
  [46 * BSIZE, 52 * BSIZE],
];
const offset = fc.oneof(...hot.map(([from, to]) => fc.integer({ min: from, max: to - 1 })));

/** Calls every method over the tree; each must return (not crash), whatever its errno. */
async function exercise(fs: FileSystem): Promise<void> {
  const paths = ['/', '/a', '/a/b', '/a/b/c', '/a/big', '/f', '/d', '/d/new', '/a/b/x'];
  let buf = RRef.new(Block);
  for (const p of paths) {
    const o = unwrap(await fs.open(ROOT_CWD, p, O_RDONLY));
    if (o.errno === 0) {
      unwrap(await fs.fstat(o.ref));
      for (let off = 0; off < 50_000; off += 4096) {
        const r = unwrap(await fs.read(o.ref, off, 4096, buf));
        buf = r.data;
        if (r.n === 0) break;
      }
      unwrap(await fs.close(o.ref));
    }
  }
  for (const p of ['/d/new', '/a/b/x', '/n']) {
    const o = unwrap(await fs.open(ROOT_CWD, p, O_CREATE | O_RDWR));
    if (o.errno === 0) {
      const r = unwrap(await fs.write(o.ref, 0, 4096, buf));
      buf = r.data;
      unwrap(await fs.close(o.ref));
    }
  }
  unwrap(await fs.mkdir(ROOT_CWD, '/a/m'));
  unwrap(await fs.link(ROOT_CWD, '/f', '/a/l'));
  for (const p of ['/a/b/c', '/a/big', '/f', '/a/b', '/d/new', '/a/m']) unwrap(await fs.unlink(ROOT_CWD, p));
  buf.drop();
}

describe('damaged images', () => {
  it('never crash the fs domain', async () => {
    const damage = fc.array(fc.tuple(offset, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 });
    let mounted = 0;
    await fc.assert(
      fc.asyncProperty(damage, async (edits) => {
        const img = image.slice();
        for (const [at, v] of edits) img[at] = v;
        const m = await machine(img, { mount: false });
        try {
          try {
            await m.remount();
          } catch (e) {
            expect(e).toBeInstanceOf(DomainLoadError);
            return;
          }
          mounted++;
          await exercise(m.fs);
          expect(m.kernel.info(m.fsId)?.state).toBe('running');
        } finally {
          m.shutdown();
        }
      }),
      { numRuns: 150, seed: 4242, endOnFailure: true },
    );
    expect(mounted).toBeGreaterThan(60);
  });
});
