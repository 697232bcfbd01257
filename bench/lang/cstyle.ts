// The table as C-minded TypeScript: one Int32Array laid out like C's struct { u64 key; u64 value; }
// array (four int32 words per slot), keys and values passed as (lo, hi) int32 halves.
//
// Hashing: the index only needs the low log2(capacity) <= 30 bits of FNV-1a 64. The prime is
// 2^40 + 0x1b3, so the low 32 bits of (h * prime) depend only on the low 32 bits of h, and the
// byte XOR only touches the low word too. The low word of FNV-1a 64 is therefore exactly
// 8 rounds of Math.imul(h ^ byte, 0x1b3) from 0x84222325, the low word of the offset basis:
// int32 arithmetic V8 keeps in registers, doing the same multiplies the C code does with
// 64-bit imul. BigInt would allocate on every operation, and a full 64-bit emulation with
// 16-bit limbs would compute a high word nobody reads.
import type { Checksum, ImplRun, PreparedRun, Samples, Workload } from './workload.ts';
import { hex } from './workload.ts';
import { sink } from '../lib/measure.ts';

const FNV_OFFSET_LO = 0x84222325 | 0;
const FNV_PRIME_LO = 0x1b3;

/** Low 32 bits (as int32) of FNV-1a 64 over the key's 8 little-endian bytes. */
export function fnvLow(lo: number, hi: number): number {
  let h = FNV_OFFSET_LO;
  h = Math.imul(h ^ (lo & 0xff), FNV_PRIME_LO);
  h = Math.imul(h ^ ((lo >>> 8) & 0xff), FNV_PRIME_LO);
  h = Math.imul(h ^ ((lo >>> 16) & 0xff), FNV_PRIME_LO);
  h = Math.imul(h ^ (lo >>> 24), FNV_PRIME_LO);
  h = Math.imul(h ^ (hi & 0xff), FNV_PRIME_LO);
  h = Math.imul(h ^ ((hi >>> 8) & 0xff), FNV_PRIME_LO);
  h = Math.imul(h ^ ((hi >>> 16) & 0xff), FNV_PRIME_LO);
  h = Math.imul(h ^ (hi >>> 24), FNV_PRIME_LO);
  return h;
}

export class CStyleTable {
  readonly capacity: number;
  /** (capacity - 1) * 4: wraps a word offset. */
  readonly mask4: number;
  readonly maxCount: number;
  /** Slot i is words 4i..4i+3: key lo, key hi, value lo, value hi. Key 0 marks an empty slot. */
  readonly slots: Int32Array;
  count = 0;

  constructor(log2: number) {
    if (log2 < 2 || log2 > 28) throw new RangeError(`capacity 2^${log2} out of range`);
    this.capacity = 2 ** log2;
    this.mask4 = (this.capacity - 1) << 2;
    this.maxCount = this.capacity - this.capacity / 4;
    this.slots = new Int32Array(4 * this.capacity);
  }

  /** Inserts or updates; keys must be nonzero. Throws when a new key would pass 75% load. */
  set(lo: number, hi: number, vlo: number, vhi: number): void {
    const s = this.slots, mask4 = this.mask4;
    // Probes by word offset (slot * 4) so the loop does no index arithmetic beyond one add.
    let o = (fnvLow(lo, hi) << 2) & mask4;
    while (true) {
      const klo = s[o]!, khi = s[o + 1]!;
      if ((klo | khi) === 0) {
        if (this.count >= this.maxCount) throw new RangeError('hash table full');
        s[o] = lo;
        s[o + 1] = hi;
        s[o + 2] = vlo;
        s[o + 3] = vhi;
        this.count++;
        return;
      }
      if (klo === lo && khi === hi) {
        s[o + 2] = vlo;
        s[o + 3] = vhi;
        return;
      }
      o = (o + 4) & mask4;
    }
  }

  /** Word offset of the key's slot (value at +2, +3), or -1 if absent. */
  find(lo: number, hi: number): number {
    const s = this.slots, mask4 = this.mask4;
    let o = (fnvLow(lo, hi) << 2) & mask4;
    while (true) {
      const klo = s[o]!, khi = s[o + 1]!;
      if (klo === lo && khi === hi) return o;
      if ((klo | khi) === 0) return -1;
      o = (o + 4) & mask4;
    }
  }

  clear(): void {
    this.slots.fill(0);
    this.count = 0;
  }
}

function insertAll(t: CStyleTable, keys: Int32Array, values: Int32Array, n: number): void {
  for (let i = 0; i < n; i++) t.set(keys[2 * i]!, keys[2 * i + 1]!, values[2 * i]!, values[2 * i + 1]!);
}

function lookupAll(t: CStyleTable, keys: Int32Array, n: number): number {
  const s = t.slots;
  let acc = 0;
  for (let i = 0; i < n; i++) {
    const o = t.find(keys[2 * i]!, keys[2 * i + 1]!);
    if (o >= 0) acc = (acc + (s[o + 2]! ^ s[o + 3]!)) | 0;
  }
  return acc;
}

/** The verification pass on a table just filled with the workload's keys and values. */
export function checksumCStyle(t: CStyleTable, w: Workload): Checksum {
  const { n, keys, values, getKeys, lookups, missing } = w;
  for (let i = 0; i < n; i += 4) {
    const j = n - 1 - i;
    t.set(keys[2 * i]!, keys[2 * i + 1]!, values[2 * j]!, values[2 * j + 1]!);
  }
  let hits = 0, sumLo = 0, sumHi = 0;
  for (let i = 0; i < lookups; i++) {
    const o = t.find(getKeys[2 * i]!, getKeys[2 * i + 1]!);
    if (o < 0) continue;
    hits++;
    sumLo += t.slots[o + 2]! >>> 0;
    const carry = sumLo >= 0x100000000 ? 1 : 0;
    sumLo -= carry * 0x100000000;
    sumHi = (sumHi + (t.slots[o + 3]! >>> 0) + carry) >>> 0;
  }
  let missingFound = 0;
  for (let i = 0; i < missing.length / 2; i++) {
    if (t.find(missing[2 * i]!, missing[2 * i + 1]!) >= 0) missingFound++;
  }
  let fp = 0;
  for (let i = 0; i < t.capacity; i++) {
    const klo = t.slots[4 * i]!, khi = t.slots[4 * i + 1]!;
    if ((klo | khi) !== 0) fp = (Math.imul(fp, 31) + ((klo ^ i) >>> 0)) >>> 0;
  }
  return {
    count: t.count,
    hits,
    sum: hex(sumHi, 8) + hex(sumLo, 8),
    missing_found: missingFound,
    layout: hex(fp, 8),
  };
}

/** A size's table, ready for timed passes; the verification pass runs on the last fill. */
export function prepareCStyle(w: Workload): PreparedRun {
  const t = new CStyleTable(w.log2);
  let filled = false;
  const sample = (count: number): Samples => {
    const set_ns: number[] = [], get_ns: number[] = [];
    for (let r = 0; r < count; r++) {
      t.clear();
      const t0 = process.hrtime.bigint();
      insertAll(t, w.keys, w.values, w.n);
      const t1 = process.hrtime.bigint();
      sink(lookupAll(t, w.getKeys, w.lookups));
      const t2 = process.hrtime.bigint();
      set_ns.push(Number(t1 - t0) / w.n);
      get_ns.push(Number(t2 - t1) / w.lookups);
      filled = true;
    }
    return { set_ns, get_ns };
  };
  const checksum = (): Checksum => {
    if (!filled) {
      t.clear();
      insertAll(t, w.keys, w.values, w.n);
    }
    filled = false;
    return checksumCStyle(t, w);
  };
  return { sample, checksum };
}

export function runCStyle(w: Workload, samples: number): ImplRun {
  const p = prepareCStyle(w);
  return { ...p.sample(samples), checksum: p.checksum() };
}
