// The block device over the NVMe driver: 4 KiB blocks read and written one at a time, through
// the shadow while the driver below it keeps crashing.
import { afterEach, describe, expect, it } from 'vitest';
import { stubOfBDev } from '../../runtime/idl/generated/bdev.ts';
import { Block } from '../../runtime/idl/layouts.ts';
import { RRef } from '../../runtime/lib/index.ts';
import { firstDifference, nvmeMachine, pattern } from './blocks.ts';
import { driverArtifact, shutdownMachines, unwrap } from './support.ts';

afterEach(shutdownMachines);

async function bdevMachine(options: { faults?: string; shadow?: boolean } = {}) {
  const m = await nvmeMachine('inline', { memory: 4 << 20 }, options);
  const d = m.kernel.load(await driverArtifact('bdev'), { args: [m.nvmeLink] });
  return { ...m, bdev: m.kernel.connect(d.exports[0]!, stubOfBDev), bdevId: d.id };
}

function block(bytes: Uint8Array): RRef<Block> {
  const b = RRef.new(Block);
  b.withBytes((v) => v.set(bytes));
  return b;
}

describe('block device over NVMe', () => {
  it('reads back what it wrote, and reports the device size', async () => {
    const { bdev, ctrl } = await bdevMachine();
    expect(unwrap(bdev.blocks())).toBe(1024n);
    for (let i = 0; i < 20; i++) expect(bdev.write(BigInt(i * 50), block(pattern(i * 50, 1))).ok).toBe(true);
    for (let i = 0; i < 20; i++) {
      const got = unwrap(bdev.read(BigInt(i * 50), RRef.new(Block)));
      expect(firstDifference(got.withBytes((v) => v.slice()), pattern(i * 50, 1))).toBe(-1);
    }
    expect(unwrap(bdev.flush())).toBeUndefined();
    expect(firstDifference(ctrl.media().subarray(50 * 4096, 51 * 4096), pattern(50, 1))).toBe(-1);
  });

  it('lends the written Block: the caller keeps it', async () => {
    const { bdev } = await bdevMachine();
    const b = block(pattern(3, 3));
    expect(bdev.write(3n, b).ok).toBe(true);
    expect(b.isValid).toBe(true);
  });

  it('keeps working through the shadow while the driver crashes every 7 requests', async () => {
    const { bdev, restarts } = await bdevMachine({ shadow: true, faults: 'requests:7' });
    for (let i = 0; i < 60; i++) expect(bdev.write(BigInt(i), block(pattern(i, 4))).ok).toBe(true);
    for (let i = 0; i < 60; i++) {
      const got = unwrap(bdev.read(BigInt(i), RRef.new(Block)));
      expect(firstDifference(got.withBytes((v) => v.slice()), pattern(i, 4))).toBe(-1);
    }
    expect(restarts!.restarts).toBeGreaterThanOrEqual(15);
  });

  it('refuses a block beyond the device, contained in its own domain', async () => {
    const { bdev, kernel, bdevId } = await bdevMachine();
    const r = bdev.read(1024n, RRef.new(Block));
    expect(!r.ok && r.error.message).toMatch(/block 1024 is beyond the device \(1024 blocks\)/);
    expect(kernel.info(bdevId)?.state).toBe('crashed');
  });
});
