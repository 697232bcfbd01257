// The volatile write cache and power cuts: what a crash-consistency test over the model relies
// on. Completed writes survive a power cut only if flushed, written with FUA, written back to
// make room, or flushed by a normal shutdown.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import * as N from '../../drivers/hw/nvme/registers.ts';
import { MemoryStore, WriteCache } from '../../drivers/hw/nvme/namespace.ts';
import { ENGINE_KINDS } from './support/engines.ts';
import { nvmeRig, shutdownAll } from './support/fixtures.ts';
import type { NvmeRig } from './support/fixtures.ts';

afterEach(shutdownAll);

function fill(rig: NvmeRig, byte: number): number {
  const buf = rig.mem.alloc(4096);
  rig.mem.u8.fill(byte, buf, buf + 4096);
  return buf;
}

describe.each(ENGINE_KINDS)('NVMe write cache and power cuts (%s engine)', (kind) => {
  it('loses unflushed writes, keeps flushed and FUA writes', async () => {
    const rig = await nvmeRig(kind);
    rig.drv.init();
    const q = rig.drv.io[0]!;
    expect(rig.drv.write(q, 0, 1, fill(rig, 0x11)).code).toBe(0);
    expect(rig.drv.flush(q).code).toBe(0);
    expect(rig.drv.write(q, 1, 1, fill(rig, 0x22)).code).toBe(0); // cached only
    expect(rig.drv.write(q, 2, 1, fill(rig, 0x33), 0, true).code).toBe(0); // FUA
    expect(rig.drv.write(q, 0, 1, fill(rig, 0x44)).code).toBe(0); // overwrites a durable block, cached
    // Reads see the cache before the cut.
    const r = rig.mem.alloc(4096);
    expect(rig.drv.read(q, 0, 3, r).code).toBe(0);
    expect([rig.mem.u8[r], rig.mem.u8[r + 512], rig.mem.u8[r + 1024]]).toEqual([0x44, 0x22, 0x33]);
    expect(rig.ctrl.powerCut()).toBe(2);
    const media = rig.ctrl.media();
    expect([media[0], media[512], media[1024]]).toEqual([0x11, 0, 0x33]);
    // The controller powered up fresh: PCI and registers reset, the host must re-initialise.
    expect(rig.ctrl.bar0.read32(N.REG_CSTS)).toBe(0xffffffff); // memory space off after power-up
    rig.drv.io.length = 0;
    rig.drv.init();
    expect(rig.drv.read(rig.drv.io[0]!, 0, 3, r).code).toBe(0);
    expect([rig.mem.u8[r], rig.mem.u8[r + 512], rig.mem.u8[r + 1024]]).toEqual([0x11, 0, 0x33]);
    expect(rig.ctrl.diagnostics().powerCuts).toBe(1);
  });

  it('writes through when the cache is disabled with Set Features', async () => {
    const rig = await nvmeRig(kind);
    rig.drv.init();
    const q = rig.drv.io[0]!;
    expect(rig.drv.write(q, 5, 1, fill(rig, 0x55)).code).toBe(0);
    // Disabling the cache writes back what it holds.
    expect(rig.drv.adminCmd({ opcode: N.ADMIN_SET_FEATURES, cdw10: N.FEATURE_VOLATILE_WRITE_CACHE, cdw11: 0 }).code).toBe(0);
    expect(rig.drv.write(q, 6, 1, fill(rig, 0x66)).code).toBe(0);
    expect(rig.ctrl.powerCut()).toBe(0);
    expect([rig.ctrl.media()[5 * 512], rig.ctrl.media()[6 * 512]]).toEqual([0x55, 0x66]);
  });

  it('writes back the oldest blocks when the cache is full', async () => {
    const rig = await nvmeRig(kind, { namespaces: [{ memory: 1 << 20, cacheBlocks: 4 }] });
    rig.drv.init();
    const q = rig.drv.io[0]!;
    for (let lba = 0; lba < 6; lba++) expect(rig.drv.write(q, lba, 1, fill(rig, 0x70 + lba)).code).toBe(0);
    expect(rig.ctrl.powerCut()).toBe(4);
    const m = rig.ctrl.media();
    expect([0, 1, 2, 3, 4, 5].map((l) => m[l * 512])).toEqual([0x70, 0x71, 0, 0, 0, 0]);
  });

  it('can keep a seeded random subset of the cache, the same subset for the same seed', async () => {
    const survivors: number[][] = [];
    for (let round = 0; round < 2; round++) {
      const rig = await nvmeRig(kind);
      rig.drv.init();
      const q = rig.drv.io[0]!;
      for (let lba = 0; lba < 32; lba++) rig.drv.write(q, lba, 1, fill(rig, 1 + lba));
      const lost = rig.ctrl.powerCut({ seed: 1234 });
      const m = rig.ctrl.media();
      const kept = Array.from({ length: 32 }, (_, l) => l).filter((l) => m[l * 512] !== 0);
      expect(kept.length + lost).toBe(32);
      survivors.push(kept);
      await shutdownAll();
    }
    expect(survivors[0]).toEqual(survivors[1]);
    expect(survivors[0]!.length).toBeGreaterThan(0);
    expect(survivors[0]!.length).toBeLessThan(32);
  });

  it('backs a namespace with a file: flushed data lands in the image, unflushed does not', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'nvme-'));
    const image = path.join(dir, 'disk.img');
    writeFileSync(image, new Uint8Array(256 * 1024));
    const rig = await nvmeRig(kind, { namespaces: [{ file: image, blockSize: 4096 }] });
    rig.drv.init();
    expect(rig.drv.blocks).toBe(64);
    expect(rig.drv.blockSize).toBe(4096);
    const q = rig.drv.io[0]!;
    expect(rig.drv.write(q, 1, 1, fill(rig, 0xa1)).code).toBe(0);
    expect(rig.drv.flush(q).code).toBe(0);
    expect(rig.drv.write(q, 2, 1, fill(rig, 0xa2)).code).toBe(0);
    rig.ctrl.powerCut();
    const bytes = readFileSync(image);
    expect([bytes[4096], bytes[8192]]).toEqual([0xa1, 0]);
  });
});

describe('write cache unit', () => {
  it('overlays cached blocks onto store reads and recycles buffers', () => {
    const store = MemoryStore.create(8 * 512);
    const cache = new WriteCache(store, 512, 2);
    const src = new Uint8Array(1024).fill(9);
    cache.write(src, 0, 1, 2);
    const out = new Uint8Array(1536);
    store.read(out, 0, 0, 1536);
    cache.overlay(out, 0, 0, 3);
    expect([out[0], out[512], out[1024]]).toEqual([0, 9, 9]);
    cache.write(src, 0, 5, 1); // evicts block 1
    expect(store.bytes[512]).toBe(9);
    expect(cache.size).toBe(2);
    cache.flush();
    expect(store.bytes[5 * 512]).toBe(9);
    expect(cache.size).toBe(0);
  });
});
