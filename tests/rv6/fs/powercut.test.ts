// Power cuts on the NVMe model: 240 seeded random workloads through fs -> bdev -> NVMe driver,
// each cut after a random request with the controller's cache discarded or partly kept, then
// recovered by a new stack on the same device and checked by fsck and against the model (see
// powercut-harness.ts). POWERCUT_SEED=<n> moves the seeds; a failure prints the seed to replay
// with `npm run soak -- fs --cuts 1 --seed <seed>`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PowerCutRig, describeFailure } from './powercut-harness.ts';
import type { CutResult } from './powercut-harness.ts';

const BASE = Number(process.env['POWERCUT_SEED'] ?? 20_240_601);
const BATCHES = 4;
const PER_BATCH = 60;

let rig: PowerCutRig;
const results: CutResult[] = [];

beforeAll(async () => {
  rig = await PowerCutRig.create();
});
afterAll(async () => {
  await rig.close();
});

describe('power cuts under fs -> bdev -> NVMe', () => {
  for (let b = 0; b < BATCHES; b++) {
    const first = BASE + b * PER_BATCH;
    it(`recovers every returned call and a clean image: seeds ${first}..${first + PER_BATCH - 1}`, async () => {
      for (let seed = first; seed < first + PER_BATCH; seed++) {
        const r = await rig.cut(seed);
        results.push(r);
        expect(r.failures, describeFailure(r)).toEqual([]);
      }
    });
  }

  it('cut in the middle of the workloads, in both cache modes, after calls that returned', () => {
    expect(results).toHaveLength(BATCHES * PER_BATCH);
    const struck = results.filter((r) => r.struck);
    expect(struck.length).toBeGreaterThan(results.length * 0.85);
    expect(struck.filter((r) => r.returned > 5).length).toBeGreaterThan(results.length / 3);
    expect(results.some((r) => r.mode === 'discard')).toBe(true);
    expect(results.filter((r) => r.mode.startsWith('keep')).length).toBeGreaterThan(results.length / 2);
    // A few cuts land during the mount, a few after the last call.
    expect(results.some((r) => r.calls === 0)).toBe(true);
    expect(results.some((r) => !r.struck)).toBe(true);
  });
});
