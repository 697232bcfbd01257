// The table as TypeScript is usually written for integer keys: a class holding an array of entry
// objects with `number` keys and values (safe integers, below 2^53). Same algorithm as the C
// code: FNV-1a 64 over the key's 8 bytes, linear probing, 75% load. (idiomatic-bigint.ts is the
// same class for full 64-bit keys.)
import type { Checksum, ImplRun, PreparedRun, Samples, Workload } from './workload.ts';
import { hex, toNumbers } from './workload.ts';
import { sink } from '../lib/measure.ts';

export interface Entry {
  key: number;
  value: number;
}

const FNV_OFFSET_LO = 0x84222325; // low 32 bits of the FNV-1a 64 offset basis 0xcbf29ce484222325
const FNV_PRIME_LO = 0x1b3; // low 32 bits of the FNV-1a 64 prime 0x100000001b3

/**
 * Slot hash: the low 32 bits of FNV-1a 64 over the key's 8 little-endian bytes. A number has no
 * 64-bit integer multiply, but the slot index only needs low bits, and the low 32 bits of
 * FNV-1a 64 depend only on the low 32 bits of the state (the prime is 2^40 + 0x1b3), so the
 * usual 32-bit FNV loop with Math.imul computes them exactly, byte by byte over both halves.
 */
function hash(key: number): number {
  let lo = key >>> 0; // bits 0..31
  let hi = Math.floor(key / 2 ** 32); // bits 32..52
  let h = FNV_OFFSET_LO;
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ (lo & 0xff), FNV_PRIME_LO);
    lo >>>= 8;
  }
  for (let i = 0; i < 4; i++) {
    h = Math.imul(h ^ (hi & 0xff), FNV_PRIME_LO);
    hi >>>= 8;
  }
  return h >>> 0;
}

export class HashTable {
  readonly capacity: number;
  private readonly mask: number;
  private readonly maxSize: number;
  private readonly entries: (Entry | undefined)[];
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(Math.log2(capacity)) || capacity > 2 ** 30) throw new RangeError('capacity must be a power of two up to 2^30');
    this.capacity = capacity;
    this.mask = capacity - 1;
    this.maxSize = (capacity * 3) / 4;
    this.entries = new Array<Entry | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** Inserts or updates. Keys are positive safe integers (0 is reserved). */
  set(key: number, value: number): void {
    if (!Number.isSafeInteger(key) || key <= 0) throw new RangeError(`key ${key} is not a positive safe integer`);
    for (let i = hash(key) & this.mask; ; i = (i + 1) & this.mask) {
      const entry = this.entries[i];
      if (entry === undefined) {
        if (this.count >= this.maxSize) throw new RangeError('hash table full');
        this.entries[i] = { key, value };
        this.count++;
        return;
      }
      if (entry.key === key) {
        entry.value = value;
        return;
      }
    }
  }

  get(key: number): number | undefined {
    for (let i = hash(key) & this.mask; ; i = (i + 1) & this.mask) {
      const entry = this.entries[i];
      if (entry === undefined) return undefined;
      if (entry.key === key) return entry.value;
    }
  }

  clear(): void {
    this.entries.fill(undefined);
    this.count = 0;
  }

  /** Occupied slots in slot order. */
  *slots(): Generator<[number, Entry]> {
    for (let i = 0; i < this.capacity; i++) {
      const entry = this.entries[i];
      if (entry !== undefined) yield [i, entry];
    }
  }
}

/** The verification pass on a table just filled with the workload's keys and values. */
export function checksumIdiomatic(
  table: HashTable,
  keys: number[],
  values: number[],
  lookups: number[],
  missing: number[],
): Checksum {
  const n = keys.length;
  for (let i = 0; i < n; i += 4) table.set(keys[i]!, values[n - 1 - i]!);
  let hits = 0;
  let sum = 0n; // the 64-bit wrapping sum C computes; numbers would round past 2^53
  for (const key of lookups) {
    const value = table.get(key);
    if (value === undefined) continue;
    hits++;
    sum = BigInt.asUintN(64, sum + BigInt(value));
  }
  const missingFound = missing.filter((key) => table.get(key) !== undefined).length;
  let fp = 0;
  for (const [slot, entry] of table.slots()) fp = (Math.imul(fp, 31) + ((entry.key ^ slot) >>> 0)) >>> 0;
  return { count: table.size, hits, sum: hex(sum, 16), missing_found: missingFound, layout: hex(fp, 8) };
}

/** A size's table, ready for timed passes; the verification pass runs on the last fill. */
export function prepareIdiomatic(w: Workload): PreparedRun {
  const keys = toNumbers(w.keys);
  const values = toNumbers(w.values);
  const lookups = toNumbers(w.getKeys.subarray(0, 2 * w.lookups));
  const table = new HashTable(w.capacity);
  let filled = false;
  const sample = (count: number): Samples => {
    const set_ns: number[] = [], get_ns: number[] = [];
    for (let r = 0; r < count; r++) {
      table.clear();
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < keys.length; i++) table.set(keys[i]!, values[i]!);
      const t1 = process.hrtime.bigint();
      let found = 0;
      for (const key of lookups) if (table.get(key) !== undefined) found++;
      const t2 = process.hrtime.bigint();
      sink(found);
      set_ns.push(Number(t1 - t0) / w.n);
      get_ns.push(Number(t2 - t1) / w.lookups);
      filled = true;
    }
    return { set_ns, get_ns };
  };
  const checksum = (): Checksum => {
    if (!filled) {
      table.clear();
      for (let i = 0; i < keys.length; i++) table.set(keys[i]!, values[i]!);
    }
    filled = false;
    return checksumIdiomatic(table, keys, values, lookups, toNumbers(w.missing));
  };
  return { sample, checksum };
}

export function runIdiomatic(w: Workload, samples: number): ImplRun {
  const p = prepareIdiomatic(w);
  return { ...p.sample(samples), checksum: p.checksum() };
}
