// The fs benchmark runs end to end and writes every row, ratio and target (tiny counts; no
// timing is asserted: benchmarks measure, tests do not).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'redleaf-bench-'));
process.env['BENCH_RESULTS_DIR'] = dir;

interface Row { config: string; test: string; value: number; unit: string }

describe('fs benchmark (smoke)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes fs.json with every row and a chart', async () => {
    const { default: main } = await import('../../bench/fs.ts');
    await main(['--smoke']);
    const result = JSON.parse(readFileSync(path.join(dir, 'fs.json'), 'utf8')) as {
      rows: Row[]; ratios: Record<string, number>; targets: Record<string, { target: number; met: boolean }>;
    };
    const expected: [string, string, string][] = [['bdev', 'seq-write-4k', 'MB/s']];
    for (const config of ['fs-nvme', 'fs-nvme-shadow']) {
      for (const [test, unit] of [['seq-write-4k', 'MB/s'], ['seq-read-4k', 'MB/s'], ['rand-write-4k', 'MB/s'], ['rand-read-4k', 'MB/s'], ['create-unlink', 'ops/s'], ['null-call', 'ns']] as const) {
        expected.push([config, test, unit]);
      }
    }
    for (const [config, test, unit] of expected) {
      const row = result.rows.find((r) => r.config === config && r.test === test);
      expect(row, `${config} ${test}`).toBeDefined();
      expect(row!.unit).toBe(unit);
      expect(row!.value, `${config} ${test}`).toBeGreaterThan(0);
    }
    expect(result.rows).toHaveLength(expected.length);
    expect(result.ratios['fs_seq_write_over_raw']).toBeGreaterThan(0);
    expect(result.ratios['fs_shadow_seq_write_over_raw']).toBeGreaterThan(0);
    expect(result.targets['fs_seq_write_over_raw']?.target).toBe(0.5);
    expect(typeof result.targets['fs_seq_write_over_raw']?.met).toBe('boolean');
    expect(readFileSync(path.join(dir, 'fs.svg'), 'utf8')).toMatch(/^<svg/);
  });
});
