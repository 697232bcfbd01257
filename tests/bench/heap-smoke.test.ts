// The heap benchmark runs end to end and writes every documented field (tiny counts; no timing
// is asserted: benchmarks measure, tests do not).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dir = mkdtempSync(path.join(tmpdir(), 'redleaf-bench-'));
process.env['BENCH_RESULTS_DIR'] = dir;

describe('heap benchmark (smoke)', () => {
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes heap.json with every documented field and a chart', async () => {
    const { default: main } = await import('../../bench/heap.ts');
    await main(['--smoke']);
    const result = JSON.parse(readFileSync(path.join(dir, 'heap.json'), 'utf8')) as Record<string, unknown>;
    for (const field of ['alloc_free_ns', 'move_ns', 'handle_read_ns', 'raw_read_ns', 'handle_write_ns', 'raw_write_ns']) {
      expect(typeof result[field], field).toBe('number');
      expect(result[field] as number, field).toBeGreaterThan(0);
    }
    expect(readFileSync(path.join(dir, 'heap.svg'), 'utf8')).toMatch(/^<svg/);
  });
});
