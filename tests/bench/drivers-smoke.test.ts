// The driver benchmarks run end to end and write every documented field (tiny durations; no
// timing is asserted: benchmarks measure, tests do not).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'redleaf-bench-'));
process.env['BENCH_RESULTS_DIR'] = dir;
const read = (name: string): Record<string, unknown> => JSON.parse(readFileSync(path.join(dir, `${name}.json`), 'utf8')) as Record<string, unknown>;
const configs = ['bare', 'redleaf-domain', 'redleaf-shadow'];

describe('driver benchmarks (smoke)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ixgbe: a row per configuration and test, in Mpps', async () => {
    const { default: main } = await import('../../bench/ixgbe.ts');
    await main(['--smoke']);
    const rows = read('ixgbe')['rows'] as { config: string; test: string; mpps: number }[];
    expect(rows.map((r) => `${r.config} ${r.test}`).sort()).toEqual(
      configs.flatMap((c) => ['tx-64-1', 'tx-64-32', 'rx-64-1', 'rx-64-32'].map((t) => `${c} ${t}`)).sort());
    for (const r of rows) expect(r.mpps, `${r.config} ${r.test}`).toBeGreaterThan(0);
    expect(readFileSync(path.join(dir, 'ixgbe.svg'), 'utf8')).toMatch(/^<svg/);
  }, 120_000);

  it('nvme: a row per configuration, model and test, in K IOPS', async () => {
    const { default: main } = await import('../../bench/nvme.ts');
    await main(['--smoke']);
    const rows = read('nvme')['rows'] as { config: string; model: string; test: string; kiops: number }[];
    expect(rows).toHaveLength(3 * 2 * 4);
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(['unthrottled', 'p3700']));
    expect(new Set(rows.map((r) => r.test))).toEqual(new Set(['read-4k-1', 'read-4k-32', 'write-4k-1', 'write-4k-32']));
    for (const r of rows) expect(r.kiops, `${r.config} ${r.model} ${r.test}`).toBeGreaterThan(0);
  }, 120_000);

  it('recovery: crashes, restart times, no failed or lost write, and a timeline', async () => {
    const { default: main } = await import('../../bench/recovery.ts');
    await main(['--smoke']);
    const r = read('recovery') as { crashes: number; restart_ms: number[]; failed: number; lost: number; duplicated: number; misplaced_blocks: number; timeline: { t_ms: number; mb_per_s: number }[] };
    expect(r.crashes).toBeGreaterThan(0);
    expect(r.restart_ms).toHaveLength(r.crashes);
    expect([r.failed, r.lost, r.duplicated, r.misplaced_blocks]).toEqual([0, 0, 0, 0]);
    expect(r.timeline.length).toBeGreaterThan(10);
    expect(r.timeline.some((p) => p.mb_per_s > 0)).toBe(true);
  }, 120_000);
});
