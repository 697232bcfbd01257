// `npm run bench -- calls [--quick]`: RedLeaf's Table 1. The cost of a call into another domain
// (no arguments, moving an RRef, lending one, through a shadow), against a plain method call and
// three peers measured in the same run: a raw call into another node:vm context, a synchronous
// round trip to a worker thread over SharedArrayBuffer + Atomics (separate heaps, like
// hardware-isolated IPC), and a MessagePort round trip. Also domain create and crash+reclaim.
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Kernel, KERNEL_CAPABILITIES } from '../runtime/kernel/kernel.ts';
import { bundleDomain } from '../runtime/kernel/bundle.ts';
import { signBundle, signShadow } from '../signer/sign.ts';
import { parseArtifact, serializeArtifact, verifyArtifact } from '../signer/artifact.ts';
import { interfaceDigests } from '../runtime/idl/generated/index.ts';
import { POLICY_VERSION } from '../checker/version.ts';
import { generateKey, trustedKeyOf } from '../signer/keys.ts';
import { stubOfCaller } from '../runtime/idl/generated/bench.ts';
import { median, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { barChart } from './lib/svg.ts';
import { messagePortRttNs, vmRawCallNs, workerSyncRttNs } from './calls/peers.ts';

const domainDir = (name: string): string => fileURLToPath(new URL(`./domains/${name}/`, import.meta.url));

/** The in-domain loops: result field, caller, test name. */
const configs = [
  ['plain_ns', 'direct', 'plain'],
  ['proxy_ns', 'direct', 'nop'],
  ['proxy_rref_ns', 'direct', 'swap'],
  ['proxy_borrow_ns', 'direct', 'look'],
  ['shadow_ns', 'shadow', 'nop'],
  ['shadow_rref_ns', 'shadow', 'swap'],
] as const;

export default async function main(args: string[]): Promise<void> {
  // --smoke: tiny counts, for the test suite (checks the benchmark runs, measures nothing).
  const smoke = args.includes('--smoke');
  const quick = smoke || args.includes('--quick');
  const calls = smoke ? 2_000 : quick ? 200_000 : 1_000_000;
  const samples = quick ? 5 : 21;
  // Signed in this process with a key of its own: the kernel loads nothing else.
  const key = generateKey();
  const policy = { trusted: [trustedKeyOf(key, 'bench')], interfaceDigests, acceptedPolicies: [POLICY_VERSION], acceptedTools: ['redleaf-check'], grantable: KERNEL_CAPABILITIES };
  const kernel = new Kernel({ trusted: [trustedKeyOf(key, 'bench')], heap: { size: 16 * 1024 * 1024, maxObjects: 64 * 1024 }, console: () => {} });
  const calleeBundle = signBundle(await bundleDomain(domainDir('callee')), key);
  const callerBundle = signBundle(await bundleDomain(domainDir('caller')), key);
  const callee = kernel.load(calleeBundle);
  const shadowed = kernel.loadShadowed(calleeBundle, await signShadow('Callee', key));
  const callers = {
    direct: kernel.connect(kernel.load(callerBundle, { args: [callee.exports[0]!] }).exports[0]!, stubOfCaller),
    shadow: kernel.connect(kernel.load(callerBundle, { args: [shadowed.shadow.exports[0]!] }).exports[0]!, stubOfCaller),
  };
  const runOnce = (caller: keyof typeof callers, test: string): number => {
    const r = callers[caller].run(test, calls);
    if (!r.ok) throw new Error(`${test}: ${r.error.message}`);
    return (r.value * 1e6) / calls;
  };

  // Round-robin over the configurations, so each sees the same machine noise.
  const taken = new Map<string, number[]>(configs.map(([field]) => [field, []]));
  for (let s = -3; s < samples; s++) {
    for (const [field, caller, test] of configs) {
      const ns = runOnce(caller, test);
      if (s >= 0) taken.get(field)!.push(ns);
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  const result: Record<string, number> = {};
  for (const [field] of configs) result[field] = round(median(taken.get(field)!), 2);

  result['vm_raw_ns'] = round(vmRawCallNs(calls), 2);
  result['worker_sync_rtt_ns'] = round(await workerSyncRttNs(smoke ? 200 : quick ? 20_000 : 200_000), 1);
  result['messageport_rtt_ns'] = round(await messagePortRttNs(smoke ? 100 : quick ? 5_000 : 50_000), 1);

  // Domain create from a bundle in memory, and crash + reclaim, medians of many.
  const creates: number[] = [];
  const crashes: number[] = [];
  for (let i = 0; i < (smoke ? 3 : quick ? 20 : 200); i++) {
    const t0 = performance.now();
    const d = kernel.load(callerBundle, { args: [callee.exports[0]!] });
    const t1 = performance.now();
    kernel.crash(d.id, 'benchmark');
    const t2 = performance.now();
    kernel.forget();
    creates.push(t1 - t0);
    crashes.push(t2 - t1);
  }
  result['domain_create_ms'] = round(median(creates), 3);
  // Of which: verifying the signed artifact (signature, bundle hash, digests), in the same loop's terms.
  const verifies: number[] = [];
  const text = serializeArtifact(callerBundle);
  for (let i = 0; i < (smoke ? 3 : quick ? 20 : 200); i++) {
    const t0 = performance.now();
    verifyArtifact(parseArtifact(text), policy);
    verifies.push(performance.now() - t0);
  }
  result['verify_ms'] = round(median(verifies), 3);
  result['crash_reclaim_ms'] = round(median(crashes), 3);
  kernel.shutdown();

  const ratios = {
    proxy_over_plain: round(result['proxy_ns']! / result['plain_ns']!, 2),
    proxy_over_vm_raw: round(result['proxy_ns']! / result['vm_raw_ns']!, 2),
    worker_over_proxy: round(result['worker_sync_rtt_ns']! / result['proxy_ns']!, 1),
    shadow_over_proxy: round(result['shadow_ns']! / result['proxy_ns']!, 2),
  };
  const targets = {
    proxy_ns: { target: 10, met: result['proxy_ns']! <= 10 },
    proxy_rref_ns: { target: 15, met: result['proxy_rref_ns']! <= 15 },
    shadow_ns: { target: 25, met: result['shadow_ns']! <= 25 },
    worker_over_proxy: { target: 20, met: ratios.worker_over_proxy >= 20 },
    domain_create_ms: { target: 5, met: result['domain_create_ms']! <= 5 },
    verify_ms: { target: 5, met: result['verify_ms']! <= 5 },
    crash_reclaim_ms: { target: 1, met: result['crash_reclaim_ms']! <= 1 },
  };
  const file = await writeResult('calls', {
    calls_per_sample: calls,
    samples,
    ...result,
    ratios,
    targets,
    samples_ns: Object.fromEntries([...taken].map(([k, v]) => [k, v.map((x) => round(x, 2))])),
  });
  const svg = barChart({
    title: 'Cost of a call (median ns, log scale)',
    unit: 'ns',
    log: true,
    groups: [
      { label: 'in a domain', bars: configs.map(([field]) => ({ label: field.replace(/_ns$/, ''), value: result[field]! })) },
      { label: 'peers', bars: [
        { label: 'vm_raw', value: result['vm_raw_ns']! },
        { label: 'worker_sync_rtt', value: result['worker_sync_rtt_ns']! },
        { label: 'messageport_rtt', value: result['messageport_rtt_ns']! },
      ] },
    ],
  });
  await writeChart('calls', svg);
  console.log(JSON.stringify({ ...result, ratios }, null, 2));
  console.log(`wrote ${file}`);
}
