// The idiomatic table for full 64-bit keys: the same class as idiomatic.ts, with bigint keys and
// values and FNV-1a 64 in bigint arithmetic, which is what TypeScript offers when keys do not fit
// in 53 bits. The benchmark feeds it the same 53-bit keys as the others (so the checksums
// compare), but nothing in it depends on that. Same algorithm as the C code.
import type { Checksum, ImplRun, PreparedRun, Samples, Workload } from './workload.ts';
import { hex } from './workload.ts';
import { sink } from '../lib/measure.ts';

export interface BigIntEntry {
  key: bigint;
  value: bigint;
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;

function fnv1a(key: bigint): bigint {
  let hash = FNV_OFFSET;
  for (let shift = 0n; shift < 64n; shift += 8n) {
    hash ^= (key >> shift) & 0xffn;
    // asUintN is the standard way to wrap to 64 bits (and V8 compiles it to a machine multiply).
    hash = BigInt.asUintN(64, hash * FNV_PRIME);
  }
  return hash;
}

export class BigIntHashTable {
  readonly capacity: number;
  private readonly mask: bigint;
  private readonly maxSize: number;
  private entries: (BigIntEntry | undefined)[];
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(Math.log2(capacity))) throw new RangeError('capacity must be a power of two');
    this.capacity = capacity;
    this.mask = BigInt(capacity - 1);
    this.maxSize = (capacity * 3) / 4;
    this.entries = new Array<BigIntEntry | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  private indexOf(key: bigint): number {
    return Number(fnv1a(key) & this.mask);
  }

  set(key: bigint, value: bigint): void {
    if (key === 0n) throw new RangeError('key 0 is reserved');
    for (let i = this.indexOf(key); ; i = (i + 1) % this.capacity) {
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

  get(key: bigint): bigint | undefined {
    for (let i = this.indexOf(key); ; i = (i + 1) % this.capacity) {
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
  *slots(): Generator<[number, BigIntEntry]> {
    for (let i = 0; i < this.capacity; i++) {
      const entry = this.entries[i];
      if (entry !== undefined) yield [i, entry];
    }
  }
}

/** The workload's (lo, hi) int32 pairs as bigints, read through a 64-bit view of the same bytes. */
export function toBigInts(pairs: Int32Array): bigint[] {
  const view = new BigUint64Array(pairs.buffer, pairs.byteOffset, pairs.length / 2);
  const out: bigint[] = [];
  for (let i = 0; i < view.length; i++) out.push(view[i]!);
  return out;
}

/** The verification pass on a table just filled with the workload's keys and values. */
export function checksumIdiomaticBigInt(
  table: BigIntHashTable,
  keys: bigint[],
  values: bigint[],
  lookups: bigint[],
  missing: bigint[],
): Checksum {
  const n = keys.length;
  for (let i = 0; i < n; i += 4) table.set(keys[i]!, values[n - 1 - i]!);
  let hits = 0;
  let sum = 0n;
  for (const key of lookups) {
    const value = table.get(key);
    if (value === undefined) continue;
    hits++;
    sum = BigInt.asUintN(64, sum + value);
  }
  const missingFound = missing.filter((key) => table.get(key) !== undefined).length;
  let fp = 0;
  for (const [slot, entry] of table.slots()) {
    const lo = Number(entry.key & 0xffffffffn);
    fp = (Math.imul(fp, 31) + ((lo ^ slot) >>> 0)) >>> 0;
  }
  return { count: table.size, hits, sum: hex(sum, 16), missing_found: missingFound, layout: hex(fp, 8) };
}

/** A size's table, ready for timed passes; the verification pass runs on the last fill. */
// The same harness as prepareIdiomatic, kept separate on purpose: one shared harness would make
// its timed set/get call sites polymorphic across the two table classes and slow both.
export function prepareIdiomaticBigInt(w: Workload): PreparedRun {
  const keys = toBigInts(w.keys);
  const values = toBigInts(w.values);
  const lookups = toBigInts(w.getKeys.subarray(0, 2 * w.lookups));
  const table = new BigIntHashTable(w.capacity);
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
    return checksumIdiomaticBigInt(table, keys, values, lookups, toBigInts(w.missing));
  };
  return { sample, checksum };
}

export function runIdiomaticBigInt(w: Workload, samples: number): ImplRun {
  const p = prepareIdiomaticBigInt(w);
  return { ...p.sample(samples), checksum: p.checksum() };
}
