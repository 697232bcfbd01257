import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CStyleTable, fnvLow, runCStyle } from '../../bench/lang/cstyle.ts';
import { HashTable, runIdiomatic } from '../../bench/lang/idiomatic.ts';
import { BigIntHashTable, runIdiomaticBigInt, toBigInts } from '../../bench/lang/idiomatic-bigint.ts';
import { buildC, gccVersion, runC } from '../../bench/lang/native.ts';
import {
  KEY_SEED,
  MAX_MISSING,
  XorShift64Star,
  entriesFor,
  fnv1a64,
  makeWorkload,
  mul64,
  nextKey,
  toNumbers,
} from '../../bench/lang/workload.ts';

const U64 = (1n << 64n) - 1n;
const U53 = (1n << 53n) - 1n;
const halves = (v: bigint): [number, number] => [Number(v & 0xffffffffn) | 0, Number(v >> 32n) | 0];
const join = (lo: number, hi: number): bigint => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

describe('workload primitives', () => {
  it('mul64 matches bigint multiplication mod 2^64', () => {
    const g = new XorShift64Star(12345n);
    for (let i = 0; i < 2000; i++) {
      const a = g.nextBigInt(), b = i % 7 === 0 ? 0xffffffffffffffffn : g.nextBigInt();
      const [hi, lo] = mul64(Number(a >> 32n), Number(a & 0xffffffffn), Number(b >> 32n), Number(b & 0xffffffffn));
      expect((BigInt(hi) << 32n) | BigInt(lo)).toBe((a * b) & U64);
    }
  });

  it('xorshift64* over 32-bit halves matches a bigint reference', () => {
    let x = KEY_SEED;
    const g = new XorShift64Star(KEY_SEED);
    for (let i = 0; i < 2000; i++) {
      x ^= x >> 12n;
      x ^= (x << 25n) & U64;
      x ^= x >> 27n;
      expect(g.nextBigInt()).toBe((x * 0x2545f4914f6cdd1dn) & U64);
    }
  });

  it('the C-style hash is the low word of FNV-1a 64', () => {
    expect(fnv1a64(0n)).toBe(0xa8c7f832281a39c5n); // FNV-1a 64 of eight zero bytes
    const g = new XorShift64Star(99n);
    for (let i = 0; i < 2000; i++) {
      const k = g.nextBigInt();
      const [lo, hi] = halves(k);
      expect(fnvLow(lo, hi) >>> 0).toBe(Number(fnv1a64(k) & 0xffffffffn));
    }
  });

  it('workload keys are distinct 53-bit integers, never 0, lookups a permutation of them', () => {
    const w = makeWorkload(10);
    const keys = toBigInts(w.keys);
    expect(keys).toHaveLength(768);
    expect(new Set(keys).size).toBe(768);
    expect(keys.includes(0n)).toBe(false);
    expect(keys.every((k) => k <= U53)).toBe(true);
    expect(keys.some((k) => k > 1n << 52n)).toBe(true); // all 53 bits in use
    expect([...toBigInts(w.getKeys)].sort()).toEqual([...keys].sort());
    expect(toBigInts(w.missing).some((k) => keys.includes(k))).toBe(false);
    const values = toBigInts(w.values);
    expect(values[0]).toBe(((keys[0]! << 32n) | (keys[0]! >> 32n)) & U53);
    expect(values.every((v) => v <= U53)).toBe(true);
    // The number view is exact: the same integers as the bigint view.
    expect(toNumbers(w.keys).map(BigInt)).toEqual(keys);
    expect(toNumbers(w.values).map(BigInt)).toEqual(values);
  });

  it('the 53-bit keys of the largest size (2^24), missing keys included, are distinct and nonzero', () => {
    const total = entriesFor(24) + MAX_MISSING;
    const all = new Float64Array(total);
    const g = new XorShift64Star(KEY_SEED);
    for (let i = 0; i < total; i++) {
      const [lo, hi] = nextKey(g);
      all[i] = hi * 0x100000000 + lo;
    }
    all.sort();
    expect(all[0]).toBeGreaterThan(0);
    let repeats = 0;
    for (let i = 1; i < total; i++) if (all[i] === all[i - 1]) repeats++;
    expect(repeats).toBe(0);
    expect(() => makeWorkload(25)).toThrow(RangeError);
  }, 120_000);
});

describe('hash table implementations', () => {
  it('C-style and idiomatic tables agree with a Map on sets, updates and lookups', () => {
    const log2 = 8;
    const cs = new CStyleTable(log2);
    const id = new HashTable(2 ** log2);
    const big = new BigIntHashTable(2 ** log2);
    const ref = new Map<bigint, bigint>();
    const g = new XorShift64Star(7n);
    const pool = Array.from({ length: 180 }, () => g.nextBigInt() & U53);
    const absent = Array.from({ length: 50 }, () => g.nextBigInt() & U53);
    let updates = 0, misses = 0;
    for (let step = 0; step < 5000; step++) {
      g.next();
      const key = pool[g.outLo % pool.length]!;
      const [klo, khi] = halves(key);
      if (g.outHi % 3 === 0) {
        const value = g.nextBigInt() & U53;
        if (ref.has(key)) updates++;
        ref.set(key, value);
        const [vlo, vhi] = halves(value);
        cs.set(klo, khi, vlo, vhi);
        id.set(Number(key), Number(value));
        big.set(key, value);
      } else {
        const probe = g.outHi % 3 === 1 ? key : absent[g.outLo % absent.length]!;
        const [plo, phi] = halves(probe);
        const want = ref.get(probe);
        if (want === undefined) misses++;
        const o = cs.find(plo, phi);
        expect(o < 0 ? undefined : join(cs.slots[o + 2]!, cs.slots[o + 3]!)).toBe(want);
        expect(id.get(Number(probe))).toBe(want === undefined ? undefined : Number(want));
        expect(big.get(probe)).toBe(want);
      }
      expect(cs.count).toBe(ref.size);
      expect(id.size).toBe(ref.size);
      expect(big.size).toBe(ref.size);
    }
    expect(updates).toBeGreaterThan(500);
    expect(misses).toBeGreaterThan(500);
    // Same slot layout: the idiomatic table's occupied slots hold what the C-style table holds.
    for (const [slot, entry] of id.slots()) {
      expect(join(cs.slots[4 * slot]!, cs.slots[4 * slot + 1]!)).toBe(BigInt(entry.key));
      expect(join(cs.slots[4 * slot + 2]!, cs.slots[4 * slot + 3]!)).toBe(BigInt(entry.value));
    }
    expect([...big.slots()].map(([slot, e]) => [slot, e.key, e.value])).toEqual(
      [...id.slots()].map(([slot, e]) => [slot, BigInt(e.key), BigInt(e.value)]),
    );
  });

  it('all refuse a new key past 75% load but still update existing ones', () => {
    const cs = new CStyleTable(4);
    const id = new HashTable(16);
    const big = new BigIntHashTable(16);
    for (let k = 1; k <= 12; k++) {
      cs.set(k, 0, k, 0);
      id.set(k, k);
      big.set(BigInt(k), BigInt(k));
    }
    expect(() => cs.set(13, 0, 0, 0)).toThrow(/full/);
    expect(() => id.set(13, 0)).toThrow(/full/);
    expect(() => big.set(13n, 0n)).toThrow(/full/);
    cs.set(5, 0, 50, 0);
    id.set(5, 50);
    big.set(5n, 50n);
    expect(cs.slots[cs.find(5, 0) + 2]).toBe(50);
    expect(id.get(5)).toBe(50);
    expect(big.get(5n)).toBe(50n);
  });

  it('the number table takes only positive safe integers as keys', () => {
    const id = new HashTable(16);
    for (const bad of [0, -1, 1.5, 2 ** 53, NaN]) expect(() => id.set(bad, 1)).toThrow(RangeError);
    id.set(2 ** 53 - 1, 7);
    expect(id.get(2 ** 53 - 1)).toBe(7);
  });

  it('the TypeScript implementations produce the same workload checksum', () => {
    for (const log2 of [6, 10]) {
      const w = makeWorkload(log2);
      const cs = runCStyle(w, 1).checksum;
      expect(runIdiomatic(w, 1).checksum).toEqual(cs);
      expect(runIdiomaticBigInt(w, 1).checksum).toEqual(cs);
      expect(cs).toMatchObject({ count: w.n, hits: w.lookups, missing_found: 0 });
    }
  });
});

const gcc = gccVersion();
if (gcc === undefined) console.warn('gcc not found: skipping the C hash table tests');

describe.skipIf(gcc === undefined)('C implementation', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lang-test-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('builds with gcc -O2 and matches the checksums of all TypeScript tables', () => {
    const binary = buildC(dir);
    for (const log2 of [6, 10, 12]) {
      const w = makeWorkload(log2);
      const c = runC(binary, w, 2);
      expect(c.set_ns).toHaveLength(2);
      expect(c.checksum).toMatchObject({ count: w.n, hits: w.lookups, missing_found: 0 });
      expect(runCStyle(w, 1).checksum).toEqual(c.checksum);
      expect(runIdiomatic(w, 1).checksum).toEqual(c.checksum);
      expect(runIdiomaticBigInt(w, 1).checksum).toEqual(c.checksum);
    }
  });
});
