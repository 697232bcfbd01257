// `npm run soak -- fs [--cuts N] [--seed S] [--ops N]`: the power-cut test of
// tests/rv6/fs/powercut.test.ts for as long as one likes. Cut k uses seed S + k, so a failing
// seed is replayed alone with `--cuts 1 --seed <it>`. Prints progress, every failure with its
// calls, and a summary; exits 1 on any failure.
import { PowerCutRig, describeFailure } from '../tests/rv6/fs/powercut-harness.ts';

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(name);
  if (i < 0) return fallback;
  const v = Number(args[i + 1]);
  if (!Number.isSafeInteger(v) || v < 0) throw new Error(`${name} needs a non-negative integer, not '${args[i + 1] ?? ''}'`);
  return v;
}

export default async function main(args: string[]): Promise<number> {
  const cuts = option(args, '--cuts', 5000);
  const seed = option(args, '--seed', Date.now() % 1_000_000_000);
  const ops = option(args, '--ops', 16);
  console.log(`fs power-cut soak: ${cuts} cuts, seeds ${seed}..${seed + cuts - 1}, ${ops} operations a workload`);
  const rig = await PowerCutRig.create({ ops });
  const started = performance.now();
  let failed = 0;
  let inconsistent = 0;
  let lostCalls = 0;
  let cutsLosing = 0;
  let struck = 0;
  let calls = 0;
  let lastReport = started;
  try {
    for (let k = 0; k < cuts; k++) {
      const r = await rig.cut(seed + k);
      calls += r.calls;
      if (r.struck) struck++;
      if (r.failures.length > 0) {
        failed++;
        if (r.failures.some((f) => f.startsWith('fsck:') || f.startsWith('the tree is no state') || f.startsWith('the mount after'))) inconsistent++;
        if (r.lost > 0) {
          cutsLosing++;
          lostCalls += r.lost;
        }
        console.log(describeFailure(r));
      }
      const now = performance.now();
      if (now - lastReport > 5000 || k === cuts - 1) {
        lastReport = now;
        const rate = ((k + 1) / (now - started)) * 1000;
        console.log(`  ${k + 1}/${cuts} cuts, ${failed} failed, ${rate.toFixed(1)} cuts/s`);
      }
    }
  } finally {
    await rig.close();
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(JSON.stringify({
    cuts, first_seed: seed, struck_mid_workload: struck, calls, failed_cuts: failed, inconsistencies: inconsistent,
    cuts_losing_returned_calls: cutsLosing, lost_returned_calls: lostCalls, seconds: Math.round(seconds),
  }, null, 2));
  return failed === 0 ? 0 : 1;
}
