// The call benchmark runs end to end and writes every documented field (tiny counts; no timing
// is asserted: benchmarks measure, tests do not).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'redleaf-bench-'));
process.env['BENCH_RESULTS_DIR'] = dir;

describe('calls benchmark (smoke)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes calls.json with every documented field and a chart', async () => {
    const { default: main } = await import('../../bench/calls.ts');
    await main(['--smoke']);
    const result = JSON.parse(readFileSync(path.join(dir, 'calls.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['plain_ns', 'proxy_ns', 'proxy_rref_ns', 'proxy_borrow_ns', 'shadow_ns', 'shadow_rref_ns', 'vm_raw_ns',
      'worker_sync_rtt_ns', 'messageport_rtt_ns', 'domain_create_ms', 'verify_ms', 'crash_reclaim_ms']) {
      expect(typeof result[field], field).toBe('number');
      expect(result[field] as number, field).toBeGreaterThan(0);
    }
    expect(readFileSync(path.join(dir, 'calls.svg'), 'utf8')).toMatch(/^<svg/);
  });
});
