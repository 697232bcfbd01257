// A RAM block device of 4 KiB blocks with a volatile write cache: a write lands in the cache,
// flush makes every cached write durable, and a power cut loses what was not flushed (or a
// pseudo-random part of it, as a cache that drains in any order). Reads see the newest data.
import { RRef, RRefArray, ok } from '../../../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls } from '../../../../runtime/lib/index.ts';
import type { BDev } from '../../../../runtime/idl/bdev.ts';
import { Block } from '../../../../runtime/idl/layouts.ts';
import type { RamDisk, RamDiskStats } from '../../../../runtime/idl/ramdisk.ts';

export function create(sys: Syscalls, blocks: number): RamDisk {
  if (!Number.isInteger(blocks) || blocks < 1 || blocks > 1 << 20) throw new Error(`ramdisk: bad size ${String(blocks)}`);
  // Durable contents; an empty slot reads as zeros.
  const media = RRefArray.new(Block, blocks);
  const cached = new Map<number, RRef<Block>>();
  let reads = 0, writes = 0, flushes = 0;
  let powered = true;
  let cutIn = 0, cutSeed = 0;

  const index = (block: bigint): number => {
    if (block < 0n || block >= BigInt(blocks)) throw new Error(`ramdisk: block ${block} is beyond the disk (${blocks} blocks)`);
    return Number(block);
  };

  const persist = (i: number, data: RRef<Block>): void => {
    const old = media.set(i, data);
    if (old !== undefined) old.drop();
  };

  const cut = (seed: number): number => {
    let state = seed >>> 0 || 1;
    let lost = 0;
    for (const [i, data] of cached) {
      state ^= state << 13; state >>>= 0;
      state ^= state >>> 17;
      state ^= state << 5; state >>>= 0;
      if (seed !== 0 && (state & 1) === 1) {
        persist(i, data);
      } else {
        data.drop();
        lost++;
      }
    }
    cached.clear();
    return lost;
  };

  const disk: BDev = {
    read(block: bigint, data: RRef<Block>): RpcResult<RRef<Block>> {
      const i = index(block);
      reads++;
      const hit = cached.get(i);
      if (hit !== undefined) {
        data.copyFrom(hit);
        return ok(data);
      }
      const found = media.has(i);
      if (!found) data.fillBytes(0);
      else media.borrow(i, (item) => { if (item !== undefined) data.copyFrom(item); });
      return ok(data);
    },
    write(block: bigint, data: Borrowed<RRef<Block>>): RpcResult<undefined> {
      const i = index(block);
      if (!powered) return ok(undefined);
      writes++;
      let entry = cached.get(i);
      if (entry === undefined) {
        entry = RRef.newUninit(Block);
        cached.set(i, entry);
      }
      entry.copyFrom(data);
      if (cutIn > 0 && --cutIn === 0) {
        cut(cutSeed);
        powered = false;
      }
      return ok(undefined);
    },
    blocks(): RpcResult<bigint> {
      return ok(BigInt(blocks));
    },
    flush(): RpcResult<undefined> {
      if (!powered) return ok(undefined);
      flushes++;
      for (const [i, data] of cached) persist(i, data);
      cached.clear();
      return ok(undefined);
    },
  };

  const control: RamDisk = {
    disk(): RpcResult<BDev> {
      return ok(disk);
    },
    powerCut(seed: number): RpcResult<number> {
      return ok(cut(seed));
    },
    cutAfter(count: number, seed: number): RpcResult<undefined> {
      cutIn = count;
      cutSeed = seed;
      return ok(undefined);
    },
    powerOn(): RpcResult<undefined> {
      powered = true;
      cutIn = 0;
      return ok(undefined);
    },
    stats(): RpcResult<RamDiskStats> {
      return ok({ reads, writes, flushes, pending: cached.size });
    },
  };
  sys.print(`ramdisk: ${blocks} blocks of 4096 bytes`);
  return control;
}
