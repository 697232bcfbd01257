// `npm run bench -- ixgbe [--quick|--smoke]`: 64-byte frames through the ixgbe driver, sent
// (to a sink on the wire) and received (from a generator offering frames whenever the port has
// buffers), at batch 1 and 32, in three configurations side by side (bare, redleaf-domain,
// redleaf-shadow; see bench/lib/machine.ts). The device runs on its own thread.
import { create as bareDriver } from '../drivers/ixgbe/main.ts';
import type { NicHandle } from '../drivers/hw/engine/engine.ts';
import { LINE_RATE_64B_PPS } from '../drivers/hw/wires/traffic.ts';
import type { PacketApp } from '../runtime/idl/bench.ts';
import { stubOfPacketApp } from '../runtime/idl/generated/bench.ts';
import { create as bareApp } from './domains/packet-app/main.ts';
import { BenchMachine, CONFIGS, driverBenchOptions, loadAverage, roundRobin } from './lib/machine.ts';
import type { Config } from './lib/machine.ts';
import { round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { barChart } from './lib/svg.ts';

const TESTS = [
  { test: 'tx-64-1', tx: true, batch: 1 },
  { test: 'tx-64-32', tx: true, batch: 32 },
  { test: 'rx-64-1', tx: false, batch: 1 },
  { test: 'rx-64-32', tx: false, batch: 32 },
] as const;
const LINE_RATE_MPPS = LINE_RATE_64B_PPS / 1e6;

export default async function main(args: string[]): Promise<void> {
  const o = driverBenchOptions(args);
  const { ms, samples, inline } = o;
  const m = new BenchMachine(inline ? 'inline' : 'threaded');
  // One port per configuration: a generator offers 60-byte frames (64 on the wire) as fast as
  // the port takes them, and a sink takes whatever the port sends.
  const nics = new Map<Config, NicHandle>();
  for (const config of CONFIGS) nics.set(config, m.engine.addIxgbe({ link: { kind: 'traffic', generator: { frame: { length: 60 } }, sink: true } }));
  await m.engine.start();
  const apps = new Map<Config, PacketApp>();
  let n = 0;
  for (const [config, nic] of nics) {
    const name = `nic${n++}`;
    m.attach(name, 'ixgbe', nic);
    if (config === 'bare') {
      const sys = m.bareSyscalls({ [name]: nic });
      apps.set(config, bareApp(sys, bareDriver(sys, name, '')));
      continue;
    }
    const driver = await m.driverLink('drivers/ixgbe', config === 'redleaf-shadow' ? 'drivers/ixgbe-shadow' : undefined, name);
    const app = m.kernel.load(await m.artifact('bench/domains/packet-app'), { args: [driver.link] });
    apps.set(config, m.kernel.connect(app.exports[0]!, stubOfPacketApp));
  }

  const rows: { config: Config; test: string; mpps: number }[] = [];
  for (const t of TESTS) {
    const mpps = await roundRobin(CONFIGS, samples, (config) => {
      const t0 = performance.now();
      const r = apps.get(config)!.run(t.tx, t.batch, ms);
      if (!r.ok) throw new Error(`${config} ${t.test}: ${r.error.message}`);
      return r.value / (performance.now() - t0) / 1000;
    });
    for (const config of CONFIGS) rows.push({ config, test: t.test, mpps: round(mpps.get(config)!, 3) });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  await m.shutdown();

  const at = (config: Config, test: string): number => rows.find((r) => r.config === config && r.test === test)!.mpps;
  const ratios = CONFIGS.filter((c) => c !== 'bare').flatMap((config) => TESTS.map((t) => ({ config, test: t.test, of_bare: round(at(config, t.test) / at('bare', t.test), 3) })));
  const ratio = (config: Config, test: string): number => ratios.find((r) => r.config === config && r.test === test)!.of_bare;
  const targets = {
    tx_64_32_domain_line_rate: { target: LINE_RATE_MPPS, value: at('redleaf-domain', 'tx-64-32'), met: at('redleaf-domain', 'tx-64-32') >= LINE_RATE_MPPS },
    rx_64_32_domain_line_rate: { target: LINE_RATE_MPPS, value: at('redleaf-domain', 'rx-64-32'), met: at('redleaf-domain', 'rx-64-32') >= LINE_RATE_MPPS },
    domain_of_bare: { target: 0.9, met: TESTS.every((t) => ratio('redleaf-domain', t.test) >= 0.9) },
    shadow_of_bare: { target: 0.85, met: TESTS.every((t) => ratio('redleaf-shadow', t.test) >= 0.85) },
  };
  const file = await writeResult(inline ? 'ixgbe-inline' : 'ixgbe', { engine: inline ? 'inline' : 'threaded', load_average: loadAverage(o), ms_per_sample: ms, samples, line_rate_mpps: round(LINE_RATE_MPPS, 2), rows, ratios, targets });
  const chart = await writeChart(inline ? 'ixgbe-inline' : 'ixgbe', barChart({
    title: 'ixgbe driver: 64-byte frames (Mpps; device on its own thread)',
    unit: 'Mpps',
    groups: TESTS.map((t) => ({ label: t.test, bars: CONFIGS.map((c) => ({ label: c, value: at(c, t.test) })) })),
    reference: { label: '10 GbE line rate', value: LINE_RATE_MPPS },
  }));
  console.log(JSON.stringify({ rows, ratios, targets }, null, 1));
  console.log(`wrote ${file} and ${chart}`);
}
