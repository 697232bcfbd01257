// Language overhead: one open-addressing hash table (linear probing, FNV-1a 64, 8-byte keys and
// values holding 53-bit integers, 75% full) in C, C-style TypeScript and idiomatic TypeScript
// (with `number`, and with `bigint` for full 64-bit keys); ns per set and get for table sizes
// 2^12..2^24. See docs/benchmarks.md#lang.
import { barChart } from './lib/svg.ts';
import { median, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { prepareCStyle, runCStyle } from './lang/cstyle.ts';
import { prepareIdiomatic, runIdiomatic } from './lang/idiomatic.ts';
import { prepareIdiomaticBigInt, runIdiomaticBigInt } from './lang/idiomatic-bigint.ts';
import { GccMissingError, buildC, gccVersion, runC } from './lang/native.ts';
import type { Checksum, ImplRun, PreparedRun, Samples, Workload } from './lang/workload.ts';
import { KEY_BITS, MAX_LOOKUPS, MAX_MISSING, MAX_WORKLOAD_LOG2, makeWorkload, sampleCount } from './lang/workload.ts';

export type Impl = 'c' | 'ts-cstyle' | 'ts-idiomatic' | 'ts-idiomatic-bigint';
/** The TypeScript implementations, in the order each round runs them after C. */
const TS_IMPLS = ['ts-cstyle', 'ts-idiomatic', 'ts-idiomatic-bigint'] as const;
type TsImpl = (typeof TS_IMPLS)[number];
export type Op = 'set' | 'get';

export interface Row {
  size_log2: number;
  impl: Impl;
  op: Op;
  ns_per_op: number;
}

export interface Ratio {
  size_log2: number;
  op: Op;
  /** ns_per_op of the implementation divided by C's at the same size and op. */
  'ts-cstyle': number;
  'ts-idiomatic': number;
  /** Only at sizes up to BIGINT_MAX_LOG2. */
  'ts-idiomatic-bigint'?: number;
}

/** Slowdown targets relative to C (the bigint variant has none: it is there for comparison). */
export const TARGETS = { 'ts-cstyle': 1.5, 'ts-idiomatic': 3 } as const;

/**
 * Largest size the bigint variant runs at: it is ~20x slower than C, so 2^21..2^24 would take
 * most of the run time, and its ratio to C stays flat with size.
 */
export const BIGINT_MAX_LOG2 = 20;

const MIN_LOG2 = 12;
const MAX_LOG2 = 24;
const QUICK_MAX_LOG2 = 16;
const QUICK_MAX_SAMPLES = 11;
const WARMUP_SAMPLES = 20;
const ROUNDS = 5;

interface Options {
  minLog2: number;
  maxLog2: number;
  quick: boolean;
}

function parseArgs(args: string[]): Options {
  const opts: Options = { minLog2: MIN_LOG2, maxLog2: MAX_LOG2, quick: false };
  let maxGiven = false;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const int = (): number => {
      const v = Number(args[++i]);
      if (!Number.isInteger(v) || v < 4 || v > MAX_WORKLOAD_LOG2) {
        throw new RangeError(`${arg} needs an integer in 4..${MAX_WORKLOAD_LOG2} (53-bit keys are distinct up to 2^${MAX_WORKLOAD_LOG2})`);
      }
      return v;
    };
    if (arg === '--quick') opts.quick = true;
    else if (arg === '--max-log2') {
      opts.maxLog2 = int();
      maxGiven = true;
    }
    else if (arg === '--min-log2') opts.minLog2 = int();
    else throw new RangeError(`unknown option ${arg} (options: --quick, --min-log2 N, --max-log2 N)`);
  }
  if (opts.quick && !maxGiven) opts.maxLog2 = QUICK_MAX_LOG2;
  if (opts.minLog2 > opts.maxLog2) throw new RangeError('--min-log2 is above --max-log2');
  return opts;
}

type Runs = Record<Exclude<Impl, 'ts-idiomatic-bigint'>, ImplRun> & { 'ts-idiomatic-bigint'?: ImplRun };

/** Checks every implementation's checksum against C's; count and missing_found also prove the keys distinct. */
function checkAgreement(w: Workload, runs: Runs): Checksum {
  const c = runs.c.checksum;
  for (const impl of TS_IMPLS) {
    const run = runs[impl];
    if (run === undefined) continue;
    const other = run.checksum;
    if (JSON.stringify(other) !== JSON.stringify(c)) {
      throw new Error(`2^${w.log2}: ${impl} checksum ${JSON.stringify(other)} differs from C's ${JSON.stringify(c)}`);
    }
  }
  if (c.count !== w.n || c.hits !== w.lookups || c.missing_found !== 0) {
    throw new Error(`2^${w.log2}: implausible checksum ${JSON.stringify(c)}`);
  }
  return c;
}

/** The bigint variant takes about a third of the passes (at least one, in round 0): it is the slow one. */
function bigIntPasses(count: number, round: number): number {
  return Math.max(round === 0 ? 1 : 0, Math.round(count / 3));
}

/**
 * Takes the timed passes in up to ROUNDS rounds, each running C and the TypeScript tables in
 * turn, so slow phases of a shared machine hit all of them rather than one. The tables stay
 * alive across the rounds; the bigint one is only built when `withBigInt`.
 */
function measureSize(binary: string, w: Workload, samples: number, withBigInt: boolean): Runs {
  const prepared: Partial<Record<TsImpl, PreparedRun>> = {
    'ts-cstyle': prepareCStyle(w),
    'ts-idiomatic': prepareIdiomatic(w),
  };
  if (withBigInt) prepared['ts-idiomatic-bigint'] = prepareIdiomaticBigInt(w);
  const timed: Partial<Record<Impl, Samples>> = {};
  let cChecksum: Checksum | undefined;
  const rounds = Math.min(samples, ROUNDS);
  for (let k = 0; k < rounds; k++) {
    const count = Math.floor(samples / rounds) + (k < samples % rounds ? 1 : 0);
    const c = runC(binary, w, count);
    if (cChecksum === undefined) cChecksum = c.checksum;
    else if (JSON.stringify(c.checksum) !== JSON.stringify(cChecksum)) throw new Error(`2^${w.log2}: C checksum changed between runs`);
    const parts: [Impl, Samples][] = [['c', c]];
    for (const impl of TS_IMPLS) {
      const p = prepared[impl];
      if (p !== undefined) parts.push([impl, p.sample(impl === 'ts-idiomatic-bigint' ? bigIntPasses(count, k) : count)]);
    }
    for (const [impl, part] of parts) {
      const t = (timed[impl] ??= { set_ns: [], get_ns: [] });
      t.set_ns.push(...part.set_ns);
      t.get_ns.push(...part.get_ns);
    }
  }
  const run = (impl: TsImpl): ImplRun => ({ ...timed[impl]!, checksum: prepared[impl]!.checksum() });
  return {
    c: { ...timed.c!, checksum: cChecksum! },
    'ts-cstyle': run('ts-cstyle'),
    'ts-idiomatic': run('ts-idiomatic'),
    ...(withBigInt ? { 'ts-idiomatic-bigint': run('ts-idiomatic-bigint') } : {}),
  };
}

function geomean(values: number[]): number {
  return Math.exp(values.reduce((a, v) => a + Math.log(v), 0) / values.length);
}

export default async function main(args: string[]): Promise<void> {
  const opts = parseArgs(args);
  let binary: string;
  try {
    binary = buildC();
  } catch (err) {
    if (!(err instanceof GccMissingError)) throw err;
    console.error(`lang: ${err.message}`);
    process.exitCode = 1;
    return;
  }
  const started = Date.now();
  // JIT warm-up: the first timed size should not catch the TypeScript loops still interpreted.
  const warm = makeWorkload(MIN_LOG2);
  runCStyle(warm, WARMUP_SAMPLES);
  runIdiomatic(warm, WARMUP_SAMPLES);
  runIdiomaticBigInt(warm, WARMUP_SAMPLES);
  const rows: Row[] = [];
  const ratios: Ratio[] = [];
  const checksums: (Checksum & { size_log2: number })[] = [];
  const samples: { size_log2: number; samples: number; bigint_samples: number | null; lookups: number; missing: number }[] = [];

  console.log('size   impl                  set ns/op   get ns/op   set/C   get/C');
  for (let log2 = opts.minLog2; log2 <= opts.maxLog2; log2++) {
    const w = makeWorkload(log2);
    const s = opts.quick ? Math.min(sampleCount(log2), QUICK_MAX_SAMPLES) : sampleCount(log2);
    const withBigInt = log2 <= BIGINT_MAX_LOG2;
    const runs = measureSize(binary, w, s, withBigInt);
    checksums.push({ size_log2: log2, ...checkAgreement(w, runs) });
    samples.push({
      size_log2: log2,
      samples: s,
      bigint_samples: withBigInt ? runs['ts-idiomatic-bigint']!.set_ns.length : null,
      lookups: w.lookups,
      missing: w.missing.length / 2,
    });

    const ns = (impl: Impl, op: Op): number => {
      const run = runs[impl]!;
      return median(op === 'set' ? run.set_ns : run.get_ns);
    };
    const impls: Impl[] = ['c', 'ts-cstyle', 'ts-idiomatic', ...(withBigInt ? (['ts-idiomatic-bigint'] as const) : [])];
    for (const impl of impls) {
      for (const op of ['set', 'get'] as const) rows.push({ size_log2: log2, impl, op, ns_per_op: round(ns(impl, op)) });
      const r = (op: Op): string => (ns(impl, op) / ns('c', op)).toFixed(2).padStart(7);
      console.log(
        `2^${String(log2).padEnd(4)} ${impl.padEnd(21)} ${ns(impl, 'set').toFixed(1).padStart(9)}   ${ns(impl, 'get').toFixed(1).padStart(9)} ${r('set')} ${r('get')}`,
      );
    }
    for (const op of ['set', 'get'] as const) {
      const ratio = (impl: Impl): number => round(ns(impl, op) / ns('c', op), 3);
      ratios.push({
        size_log2: log2,
        op,
        'ts-cstyle': ratio('ts-cstyle'),
        'ts-idiomatic': ratio('ts-idiomatic'),
        ...(withBigInt ? { 'ts-idiomatic-bigint': ratio('ts-idiomatic-bigint') } : {}),
      });
    }
  }

  const summary = TS_IMPLS.flatMap((impl) =>
    (['set', 'get'] as const).flatMap((op) => {
      const rs = ratios.filter((r) => r.op === op).flatMap((r) => (r[impl] === undefined ? [] : [r[impl]]));
      if (rs.length === 0) return [];
      const max = Math.max(...rs);
      const target = impl === 'ts-idiomatic-bigint' ? null : TARGETS[impl];
      return [
        {
          impl,
          op,
          target,
          geomean_ratio: round(geomean(rs), 3),
          max_ratio: round(max, 3),
          within_target_all_sizes: target === null ? null : max <= target,
          sizes_within_target: target === null ? null : rs.filter((r) => r <= target).length,
          sizes: rs.length,
        },
      ];
    }),
  );
  console.log('\nratio to C (geomean over sizes, worst size) against target:');
  for (const s of summary) {
    console.log(
      `  ${s.impl.padEnd(21)} ${s.op}  geomean ${s.geomean_ratio.toFixed(2)}x  max ${s.max_ratio.toFixed(2)}x  ` +
        (s.target === null ? `(no target, ${s.sizes} sizes)` : `target ${s.target}x: ${s.sizes_within_target}/${s.sizes} sizes within`),
    );
  }

  const elapsed_s = round((Date.now() - started) / 1000, 1);
  const file = await writeResult('lang', {
    description:
      'Open-addressing hash table (linear probing, FNV-1a 64 over 8-byte keys, 8-byte values, filled to 75%; keys and values are 53-bit integers): ns per set and get, median of timed passes, in C (gcc -O2), C-style TypeScript (Int32Array), idiomatic TypeScript (entry objects, number) and idiomatic TypeScript for 64-bit keys (entry objects, bigint; smaller sizes only).',
    config: {
      sizes_log2: [opts.minLog2, opts.maxLog2],
      bigint_sizes_log2: opts.minLog2 <= BIGINT_MAX_LOG2 ? [opts.minLog2, Math.min(opts.maxLog2, BIGINT_MAX_LOG2)] : null,
      bigint_max_log2: BIGINT_MAX_LOG2,
      key_bits: KEY_BITS,
      quick: opts.quick,
      gcc: gccVersion() ?? 'unknown',
      cflags: '-O2',
      max_lookups_per_pass: MAX_LOOKUPS,
      max_missing: MAX_MISSING,
      per_size: samples,
    },
    targets: TARGETS,
    rows,
    ratios,
    summary,
    checksums,
    elapsed_s,
  });

  const chart = barChart({
    title: 'Hash table, ns/op relative to C (gcc -O2), by table size',
    unit: 'x C time per op',
    log: true,
    reference: { label: `idiomatic target ${TARGETS['ts-idiomatic']}x`, value: TARGETS['ts-idiomatic'] },
    groups: ratios
      .filter((r) => r.op === 'set')
      .map((set) => {
        const get = ratios.find((r) => r.op === 'get' && r.size_log2 === set.size_log2)!;
        const bars = TS_IMPLS.flatMap((impl) => {
          const short = impl.replace('ts-', '');
          const sv = set[impl], gv = get[impl];
          return sv === undefined || gv === undefined
            ? []
            : [
                { label: `${short} set`, value: sv },
                { label: `${short} get`, value: gv },
              ];
        });
        return { label: `2^${set.size_log2}`, bars };
      }),
  });
  const svg = await writeChart('lang', chart);
  console.log(`\n${elapsed_s} s; wrote ${file} and ${svg}`);
}
