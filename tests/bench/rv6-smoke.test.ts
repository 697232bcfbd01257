// The rv6 benchmark runs end to end and writes every documented field (tiny durations; no
// timing is asserted: benchmarks measure, tests do not).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'redleaf-bench-'));
process.env['BENCH_RESULTS_DIR'] = dir;

describe('rv6 benchmark (smoke)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('measures system calls, spawn, pipes and the driver loops from rv6 programs', async () => {
    const { default: main } = await import('../../bench/rv6.ts');
    await main(['--smoke']);
    const r = JSON.parse(readFileSync(path.join(dir, 'rv6.json'), 'utf8')) as {
      engine: string; null_syscall_ns: number; spawn_ms: number; pipe_mb_per_s: number; load_average: { before: number; after: number };
      rows: { config: string; test: string; value: number; unit: string }[];
      ratios: { config: string; test: string; of_redleaf_domain: number }[];
      targets: Record<string, { target: number; met: boolean }>;
    };
    expect(r.engine).toBe('threaded');
    for (const v of [r.null_syscall_ns, r.spawn_ms, r.pipe_mb_per_s]) expect(v).toBeGreaterThan(0);
    expect(typeof r.load_average.before).toBe('number');
    const tests = ['read-4k-32', 'write-4k-32', 'tx-64-32', 'rx-64-32'];
    expect(r.rows.map((x) => `${x.config} ${x.test}`).sort()).toEqual(['redleaf-domain', 'rv6-domain', 'rv6-shadow'].flatMap((c) => tests.map((t) => `${c} ${t}`)).sort());
    for (const x of r.rows) {
      expect(x.value, `${x.config} ${x.test}`).toBeGreaterThan(0);
      expect(x.unit).toBe(x.test.startsWith('read') || x.test.startsWith('write') ? 'K IOPS' : 'Mpps');
    }
    expect(r.ratios).toHaveLength(8);
    expect(Object.keys(r.targets).sort()).toEqual(['rv6_domain_of_redleaf_domain', 'spawn_ms']);
    expect(readFileSync(path.join(dir, 'rv6.svg'), 'utf8')).toMatch(/^<svg/);
  }, 120_000);
});
