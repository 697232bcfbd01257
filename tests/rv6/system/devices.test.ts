// Raw device access: a program asks core for the NVMe and NIC interfaces and moves blocks and
// frames through them directly, on a controller of its own (the file system's disk is untouched).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boot } from './support.ts';
import type { Booted } from './support.ts';

let m: Booted;
beforeAll(async () => { m = await boot(); }, 60_000);
afterAll(async () => { await m?.shutdown(); });

describe('rv6 raw devices', () => {
  it('moves blocks through the raw NVMe interface', async () => {
    const r = await m.exec('rawio blk 32');
    expect(r).toEqual({ out: 'nvme: 4096 blocks; wrote 32, read back 32 intact\n', status: 0 });
    // A second program sees what the first wrote: the device outlives the process.
    expect((await m.exec('rawio blk 8')).out).toBe('nvme: 4096 blocks; wrote 8, read back 8 intact\n');
  });

  it('sends frames through the NIC and receives them back', async () => {
    const r = await m.exec('rawio net 16');
    expect(r).toEqual({ out: 'net: sent 16, received 16 (16 distinct)\n', status: 0 });
  });

  it('leaves the file system alone and releases what the program owned', async () => {
    const objects = m.machine.kernel.heap.stats(0).objects;
    await m.exec('rawio blk 4 ; rawio net 4');
    expect((await m.exec('echo still > f ; cat f ; cat README | wc')).status).toBe(0);
    expect(m.machine.loader.running()).toBe(0);
    expect(m.machine.kernel.heap.stats(0).objects).toBe(objects);
  });

  it('runs the benchmark loops over the raw interfaces', async () => {
    const blk = await m.exec('bench blk read 32 20 ; bench blk write 1 20');
    expect(blk.out).toMatch(/^blk [1-9]\d* [\d.]+\nblk [1-9]\d* [\d.]+\n$/);
    const pkt = await m.exec('bench pkt tx 32 20');
    expect(pkt.out).toMatch(/^pkt [1-9]\d* [\d.]+\n$/);
  });
});
