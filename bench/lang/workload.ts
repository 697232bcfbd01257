// The hash-table workload shared by the C and TypeScript implementations. Keys come from
// xorshift64* over 32-bit halves, so TypeScript generates the same sequence as
// bench/lang/hashtable.c without BigInt in the generator. Keys and values are 53-bit, so they
// are exact as JavaScript numbers (safe integers) as well as C uint64_t and (lo, hi) int32 pairs.

/** Keys and values are below 2^KEY_BITS: Number.MAX_SAFE_INTEGER is 2^53 - 1. */
export const KEY_BITS = 53;
/** Mask of the high word's KEY_BITS - 32 bits. */
export const HI_MASK = 0x1fffff;
/**
 * Largest table the 53-bit keys are valid for. Masking xorshift64* to 53 bits is no longer a
 * bijection: the first repeat is output 23,737,591 (a repeat of output 19,119,978), so the keys
 * of 2^25 (25,165,824 of them) would not be distinct. The 12,845,056 outputs 2^24 uses (keys and
 * missing keys) are distinct and nonzero; tests/bench/lang.test.ts checks that.
 */
export const MAX_WORKLOAD_LOG2 = 24;

/** Seed of the key sequence (the first `n` outputs are inserted, the next ones are missing keys). */
export const KEY_SEED = 0x9e3779b97f4a7c15n;
/** Seed of the generator that shuffles the lookup order. */
export const SHUFFLE_SEED = 0xd1b54a32d192ed03n;

/** Low 64 bits of a * b, with both operands and the result as [hi, lo] uint32 halves. */
export function mul64(ah: number, al: number, bh: number, bl: number): [number, number] {
  // al * bl exactly, from 16-bit limbs: every partial product stays below 2^53.
  const a0 = al & 0xffff, a1 = al >>> 16, b0 = bl & 0xffff, b1 = bl >>> 16;
  const mid = a0 * b1 + a1 * b0;
  const low = a0 * b0 + (mid % 0x10000) * 0x10000;
  const carry = Math.floor(low / 0x100000000) + Math.floor(mid / 0x10000) + a1 * b1;
  const hi = (carry + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
  return [hi, low >>> 0];
}

const M_HI = 0x2545f491, M_LO = 0x4f6cdd1d; // xorshift64* multiplier 0x2545F4914F6CDD1D

/**
 * xorshift64* (Vigna). The state walks all nonzero 64-bit values and the multiplier is odd,
 * so the first 2^64 - 1 outputs are distinct and never 0. The keys are these outputs masked
 * to 53 bits (nextKey), distinct only as far as MAX_WORKLOAD_LOG2 says.
 */
export class XorShift64Star {
  hi: number;
  lo: number;
  outHi = 0;
  outLo = 0;
  constructor(seed: bigint) {
    if (seed === 0n) throw new RangeError('xorshift64* seed must be nonzero');
    this.hi = Number((seed >> 32n) & 0xffffffffn);
    this.lo = Number(seed & 0xffffffffn);
  }
  /** Advances; the output is left in outHi/outLo (uint32 each). */
  next(): void {
    let hi = this.hi, lo = this.lo;
    // x ^= x >> 12
    lo = (lo ^ ((lo >>> 12) | (hi << 20))) >>> 0;
    hi = (hi ^ (hi >>> 12)) >>> 0;
    // x ^= x << 25
    hi = (hi ^ ((hi << 25) | (lo >>> 7))) >>> 0;
    lo = (lo ^ (lo << 25)) >>> 0;
    // x ^= x >> 27
    lo = (lo ^ ((lo >>> 27) | (hi << 5))) >>> 0;
    hi = (hi ^ (hi >>> 27)) >>> 0;
    this.hi = hi;
    this.lo = lo;
    const [oh, ol] = mul64(hi, lo, M_HI, M_LO);
    this.outHi = oh;
    this.outLo = ol;
  }
  /** Next output as a bigint (tests and references only). */
  nextBigInt(): bigint {
    this.next();
    return (BigInt(this.outHi) << 32n) | BigInt(this.outLo);
  }
}

/** Next key: the generator's next output, masked to KEY_BITS, as [lo, hi] uint32 halves. */
export function nextKey(gen: XorShift64Star): [number, number] {
  gen.next();
  return [gen.outLo, gen.outHi & HI_MASK];
}

/**
 * One table size's inputs. Keys and values (below 2^53) are stored as (lo, hi) int32 pairs,
 * which on a little-endian machine is the byte layout of a C uint64_t array.
 */
export interface Workload {
  log2: number;
  capacity: number;
  /** Keys inserted: 75% of capacity. */
  n: number;
  keys: Int32Array;
  /** Value of keys[i]: the key with its halves swapped, masked to 53 bits (lo = key hi, hi = key lo & HI_MASK). */
  values: Int32Array;
  /** The inserted keys in shuffled order; lookups use the first `lookups` of them. */
  getKeys: Int32Array;
  /** Lookups per timed get pass: all keys up to 2^20, then a random 2^20 of them. */
  lookups: number;
  /** Keys that are never inserted (n / 4, at most 2^18). */
  missing: Int32Array;
}

/** Caps the timed get pass: random lookups see the same cache behaviour, at a bounded cost. */
export const MAX_LOOKUPS = 2 ** 20;
export const MAX_MISSING = 2 ** 18;

export function entriesFor(log2: number): number {
  const capacity = 2 ** log2;
  return capacity - capacity / 4;
}

export function makeWorkload(log2: number): Workload {
  if (!Number.isInteger(log2) || log2 < 2 || log2 > MAX_WORKLOAD_LOG2) {
    throw new RangeError(`size_log2 ${log2} out of range 2..${MAX_WORKLOAD_LOG2}`);
  }
  const capacity = 2 ** log2;
  const n = entriesFor(log2);
  const m = Math.max(1, Math.min(n >>> 2, MAX_MISSING));
  const keys = new Int32Array(2 * n);
  const values = new Int32Array(2 * n);
  const missing = new Int32Array(2 * m);
  const gen = new XorShift64Star(KEY_SEED);
  for (let i = 0; i < n; i++) {
    const [lo, hi] = nextKey(gen);
    if ((lo | hi) === 0) throw new Error(`key ${i} is 0`);
    keys[2 * i] = lo;
    keys[2 * i + 1] = hi;
    values[2 * i] = hi;
    values[2 * i + 1] = lo & HI_MASK;
  }
  for (let i = 0; i < m; i++) {
    const [lo, hi] = nextKey(gen);
    missing[2 * i] = lo;
    missing[2 * i + 1] = hi;
  }
  // Fisher-Yates; j from the high word so the modulo stays exact in doubles.
  const getKeys = keys.slice();
  const shuffle = new XorShift64Star(SHUFFLE_SEED);
  for (let i = n - 1; i > 0; i--) {
    shuffle.next();
    const j = shuffle.outHi % (i + 1);
    const lo = getKeys[2 * i]!, hi = getKeys[2 * i + 1]!;
    getKeys[2 * i] = getKeys[2 * j]!;
    getKeys[2 * i + 1] = getKeys[2 * j + 1]!;
    getKeys[2 * j] = lo;
    getKeys[2 * j + 1] = hi;
  }
  return { log2, capacity, n, keys, values, getKeys, lookups: Math.min(n, MAX_LOOKUPS), missing };
}

/**
 * Timed passes per size: about 2^20 inserted keys' worth, at most 101 passes for small tables
 * and at least 3 up to 2^19; from 2^20 on one pass of 0.8M..12.6M inserts (bounding the run
 * time: the idiomatic table spends 1..4 us per insert at those sizes).
 */
export function sampleCount(log2: number): number {
  return Math.min(101, Math.max(log2 <= 19 ? 3 : 1, Math.floor(2 ** 20 / entriesFor(log2))));
}

/**
 * What every implementation reports after the same untimed verification pass: fill the table
 * with all keys, overwrite every 4th key's value with values[n - 1 - i], look up the first `lookups`
 * keys in shuffled order, look up the missing keys, and fingerprint the slot layout.
 */
export interface Checksum {
  /** Entries in the table after the inserts and updates (must equal n). */
  count: number;
  /** Lookups of inserted keys that found them (must equal `lookups`). */
  hits: number;
  /** 64-bit wrapping sum of the values found, 16 hex digits. */
  sum: string;
  /** Lookups of never-inserted keys that found something (must be 0). */
  missing_found: number;
  /** fp = fp * 31 + (key_lo ^ slot) mod 2^32 over occupied slots in order, 8 hex digits. */
  layout: string;
}

/** Timed passes: ns per set (filling an empty table) and per get (lookups of present keys). */
export interface Samples {
  set_ns: number[];
  get_ns: number[];
}

/** Results of one implementation at one size. */
export interface ImplRun extends Samples {
  checksum: Checksum;
}

/** An implementation set up for one size, whose timed passes can be taken in several rounds. */
export interface PreparedRun {
  sample(count: number): Samples;
  /** The verification pass; it modifies the table, so it comes after the timed passes. */
  checksum(): Checksum;
}

export function hex(value: bigint | number, digits: number): string {
  return value.toString(16).padStart(digits, '0');
}

/** The workload's (lo, hi) int32 pairs as numbers (exact: all are below 2^53). */
export function toNumbers(pairs: Int32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < pairs.length; i += 2) out.push((pairs[i + 1]! >>> 0) * 0x100000000 + (pairs[i]! >>> 0));
  return out;
}

/** FNV-1a 64-bit over the 8 little-endian bytes of a key (reference; the hot paths inline it). */
export function fnv1a64(key: bigint): bigint {
  let h = 0xcbf29ce484222325n;
  for (let i = 0n; i < 64n; i += 8n) {
    h ^= (key >> i) & 0xffn;
    h = BigInt.asUintN(64, h * 0x100000001b3n);
  }
  return h;
}
