// Language overhead: one open-addressing hash table (linear probing, FNV-1a 64, 8-byte keys and
// values, 75% full) in C, C-style TypeScript and idiomatic TypeScript; ns per set and get for
// table sizes 2^12..2^24. See docs/benchmarks.md#lang.
import { barChart } from './lib/svg.ts';
import { median, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { prepareCStyle, runCStyle } from './lang/cstyle.ts';
import { prepareIdiomatic, runIdiomatic } from './lang/idiomatic.ts';
import { GccMissingError, buildC, gccVersion, runC } from './lang/native.ts';
import type { Checksum, ImplRun, Samples, Workload } from './lang/workload.ts';
import { MAX_LOOKUPS, MAX_MISSING, makeWorkload, sampleCount } from './lang/workload.ts';

export type Impl = 'c' | 'ts-cstyle' | 'ts-idiomatic';
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
}

/** Slowdown targets relative to C. */
export const TARGETS = { 'ts-cstyle': 1.5, 'ts-idiomatic': 3 } as const;

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
      if (!Number.isInteger(v) || v < 4 || v > 26) throw new RangeError(`${arg} needs an integer in 4..26`);
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

function checkAgreement(w: Workload, runs: Record<Impl, ImplRun>): Checksum {
  const c = runs.c.checksum;
  for (const impl of ['ts-cstyle', 'ts-idiomatic'] as const) {
    const other = runs[impl].checksum;
    if (JSON.stringify(other) !== JSON.stringify(c)) {
      throw new Error(`2^${w.log2}: ${impl} checksum ${JSON.stringify(other)} differs from C's ${JSON.stringify(c)}`);
    }
  }
  if (c.count !== w.n || c.hits !== w.lookups || c.missing_found !== 0) {
    throw new Error(`2^${w.log2}: implausible checksum ${JSON.stringify(c)}`);
  }
  return c;
}

/**
 * Takes the timed passes in up to ROUNDS rounds, each running C, C-style and idiomatic in turn,
 * so slow phases of a shared machine hit all three rather than one of them.
 */
function measureSize(binary: string, w: Workload, samples: number): Record<Impl, ImplRun> {
  const cstyle = prepareCStyle(w);
  const idiomatic = prepareIdiomatic(w);
  const timed: Record<Impl, Samples> = {
    c: { set_ns: [], get_ns: [] },
    'ts-cstyle': { set_ns: [], get_ns: [] },
    'ts-idiomatic': { set_ns: [], get_ns: [] },
  };
  let cChecksum: Checksum | undefined;
  const rounds = Math.min(samples, ROUNDS);
  for (let k = 0; k < rounds; k++) {
    const count = Math.floor(samples / rounds) + (k < samples % rounds ? 1 : 0);
    const c = runC(binary, w, count);
    if (cChecksum === undefined) cChecksum = c.checksum;
    else if (JSON.stringify(c.checksum) !== JSON.stringify(cChecksum)) throw new Error(`2^${w.log2}: C checksum changed between runs`);
    const parts: [Impl, Samples][] = [
      ['c', c],
      ['ts-cstyle', cstyle.sample(count)],
      ['ts-idiomatic', idiomatic.sample(count)],
    ];
    for (const [impl, part] of parts) {
      timed[impl].set_ns.push(...part.set_ns);
      timed[impl].get_ns.push(...part.get_ns);
    }
  }
  return {
    c: { ...timed.c, checksum: cChecksum! },
    'ts-cstyle': { ...timed['ts-cstyle'], checksum: cstyle.checksum() },
    'ts-idiomatic': { ...timed['ts-idiomatic'], checksum: idiomatic.checksum() },
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
  const rows: Row[] = [];
  const ratios: Ratio[] = [];
  const checksums: (Checksum & { size_log2: number })[] = [];
  const samples: { size_log2: number; samples: number; lookups: number; missing: number }[] = [];

  console.log('size   impl          set ns/op   get ns/op   set/C   get/C');
  for (let log2 = opts.minLog2; log2 <= opts.maxLog2; log2++) {
    const w = makeWorkload(log2);
    const s = opts.quick ? Math.min(sampleCount(log2), QUICK_MAX_SAMPLES) : sampleCount(log2);
    const runs = measureSize(binary, w, s);
    checksums.push({ size_log2: log2, ...checkAgreement(w, runs) });
    samples.push({ size_log2: log2, samples: s, lookups: w.lookups, missing: w.missing.length / 2 });

    const ns = (impl: Impl, op: Op): number => median(op === 'set' ? runs[impl].set_ns : runs[impl].get_ns);
    for (const impl of ['c', 'ts-cstyle', 'ts-idiomatic'] as const) {
      for (const op of ['set', 'get'] as const) rows.push({ size_log2: log2, impl, op, ns_per_op: round(ns(impl, op)) });
      const r = (op: Op): string => (ns(impl, op) / ns('c', op)).toFixed(2).padStart(7);
      console.log(
        `2^${String(log2).padEnd(4)} ${impl.padEnd(13)} ${ns(impl, 'set').toFixed(1).padStart(9)}   ${ns(impl, 'get').toFixed(1).padStart(9)} ${r('set')} ${r('get')}`,
      );
    }
    for (const op of ['set', 'get'] as const) {
      ratios.push({
        size_log2: log2,
        op,
        'ts-cstyle': round(ns('ts-cstyle', op) / ns('c', op), 3),
        'ts-idiomatic': round(ns('ts-idiomatic', op) / ns('c', op), 3),
      });
    }
  }

  const summary = (['ts-cstyle', 'ts-idiomatic'] as const).flatMap((impl) =>
    (['set', 'get'] as const).map((op) => {
      const rs = ratios.filter((r) => r.op === op).map((r) => r[impl]);
      const max = Math.max(...rs);
      return {
        impl,
        op,
        target: TARGETS[impl],
        geomean_ratio: round(geomean(rs), 3),
        max_ratio: round(max, 3),
        within_target_all_sizes: max <= TARGETS[impl],
        sizes_within_target: rs.filter((r) => r <= TARGETS[impl]).length,
        sizes: rs.length,
      };
    }),
  );
  console.log('\nratio to C (geomean over sizes, worst size) against target:');
  for (const s of summary) {
    console.log(
      `  ${s.impl.padEnd(13)} ${s.op}  geomean ${s.geomean_ratio.toFixed(2)}x  max ${s.max_ratio.toFixed(2)}x  target ${s.target}x: ` +
        `${s.sizes_within_target}/${s.sizes} sizes within`,
    );
  }

  const elapsed_s = round((Date.now() - started) / 1000, 1);
  const file = await writeResult('lang', {
    description:
      'Open-addressing hash table (linear probing, FNV-1a 64 over 8-byte keys, 8-byte values, filled to 75%): ns per set and get, median of timed passes, in C (gcc -O2), C-style TypeScript and idiomatic TypeScript.',
    config: {
      sizes_log2: [opts.minLog2, opts.maxLog2],
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
    reference: { label: `C-style target ${TARGETS['ts-cstyle']}x`, value: TARGETS['ts-cstyle'] },
    groups: ratios
      .filter((r) => r.op === 'set')
      .map((set) => {
        const get = ratios.find((r) => r.op === 'get' && r.size_log2 === set.size_log2)!;
        return {
          label: `2^${set.size_log2}`,
          bars: [
            { label: 'ts-cstyle set', value: set['ts-cstyle'] },
            { label: 'ts-cstyle get', value: get['ts-cstyle'] },
            { label: 'ts-idiomatic set', value: set['ts-idiomatic'] },
            { label: 'ts-idiomatic get', value: get['ts-idiomatic'] },
          ],
        };
      }),
  });
  const svg = await writeChart('lang', chart);
  console.log(`\n${elapsed_s} s; wrote ${file} and ${svg}`);
}
