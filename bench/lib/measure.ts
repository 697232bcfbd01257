// Timing helpers. Every figure is a median of many samples taken in the same process run, so
// configurations compared side by side see the same machine noise.

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export interface Measurement {
  /** Median nanoseconds per operation over all samples. */
  median_ns: number;
  /** Nanoseconds per operation of each sample, in the order taken. */
  samples_ns: number[];
  /** Operations per sample. */
  ops_per_sample: number;
}

export interface MeasureOptions {
  /** Operations per sample (the loop count handed to the body). */
  ops?: number;
  /** Samples whose median is reported. */
  samples?: number;
  /** Untimed samples first, so the JIT has optimised the body. */
  warmup?: number;
}

/**
 * Times `body(ops)`, which must perform `ops` operations, `samples` times, and reports the
 * median time per operation. The body returns a value that is folded into a sink so the
 * optimiser cannot drop the work.
 */
export function measure(body: (ops: number) => unknown, options: MeasureOptions = {}): Measurement {
  const ops = options.ops ?? 1_000_000;
  const samples = options.samples ?? 21;
  const warmup = options.warmup ?? 3;
  for (let i = 0; i < warmup; i++) sink(body(ops));
  const samples_ns: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    sink(body(ops));
    const elapsed = Number(process.hrtime.bigint() - start);
    samples_ns.push(elapsed / ops);
  }
  return { median_ns: median(samples_ns), samples_ns, ops_per_sample: ops };
}

/** Async variant of {@link measure} for bodies that await. */
export async function measureAsync(
  body: (ops: number) => Promise<unknown>,
  options: MeasureOptions = {},
): Promise<Measurement> {
  const ops = options.ops ?? 100_000;
  const samples = options.samples ?? 21;
  const warmup = options.warmup ?? 3;
  for (let i = 0; i < warmup; i++) sink(await body(ops));
  const samples_ns: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = process.hrtime.bigint();
    sink(await body(ops));
    samples_ns.push(Number(process.hrtime.bigint() - start) / ops);
  }
  return { median_ns: median(samples_ns), samples_ns, ops_per_sample: ops };
}

let sinkValue: unknown;
/** Keeps a value observable so dead-code elimination cannot remove the work that made it. */
export function sink(value: unknown): void {
  sinkValue = value;
}
export function sunk(): unknown {
  return sinkValue;
}

/** Rounds for JSON output: enough digits to compare, no noise digits. */
export function round(value: number, digits = 2): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
