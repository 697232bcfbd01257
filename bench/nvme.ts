// `npm run bench -- nvme [--quick|--smoke]`: 4 KiB random reads and writes through the NVMe
// driver at queue depth 1 and 32, in three configurations side by side (bare, redleaf-domain,
// redleaf-shadow; see bench/lib/machine.ts), on the model unthrottled and shaped like the
// Intel P3700 RedLeaf measured. The device runs on its own thread.
import { create as bareDriver } from '../drivers/nvme/main.ts';
import { P3700_SERVICE } from '../drivers/hw/nvme/service.ts';
import type { NvmeHandle } from '../drivers/hw/engine/engine.ts';
import type { BlockApp } from '../runtime/idl/bench.ts';
import { stubOfBlockApp } from '../runtime/idl/generated/bench.ts';
import { create as bareApp } from './domains/block-app/main.ts';
import { BenchMachine, CONFIGS, driverBenchOptions, loadAverage, roundRobin } from './lib/machine.ts';
import type { Config } from './lib/machine.ts';
import { round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { barChart } from './lib/svg.ts';

const MODELS = ['unthrottled', 'p3700'] as const;
type Model = (typeof MODELS)[number];
const TESTS = [
  { test: 'read-4k-1', write: false, depth: 1 },
  { test: 'read-4k-32', write: false, depth: 32 },
  { test: 'write-4k-1', write: true, depth: 1 },
  { test: 'write-4k-32', write: true, depth: 32 },
] as const;
/** The P3700-shaped model's ceiling: its command rate. */
const P3700_KIOPS = P3700_SERVICE.iops / 1000;

export default async function main(args: string[]): Promise<void> {
  const o = driverBenchOptions(args);
  const { ms, samples, inline } = o;
  const m = new BenchMachine(inline ? 'inline' : 'threaded');
  const devices = new Map<string, NvmeHandle>();
  for (const model of MODELS) {
    for (const config of CONFIGS) {
      const namespace = { memory: 64 << 20, cacheBlocks: 2048 };
      devices.set(`${config}/${model}`, m.engine.addNvme({ namespaces: [namespace], ...(model === 'p3700' ? { service: P3700_SERVICE } : {}) }));
    }
  }
  await m.engine.start();
  const apps = new Map<string, BlockApp>();
  let n = 0;
  for (const [key, dev] of devices) {
    const [config] = key.split('/') as [Config, Model];
    const name = `disk${n++}`;
    m.attach(name, 'nvme', dev);
    if (config === 'bare') {
      const sys = m.bareSyscalls({ [name]: dev });
      apps.set(key, bareApp(sys, bareDriver(sys, name, '')));
      continue;
    }
    const driver = await m.driverLink('drivers/nvme', config === 'redleaf-shadow' ? 'drivers/nvme-shadow' : undefined, name);
    const app = m.kernel.load(await m.artifact('bench/domains/block-app'), { args: [driver.link] });
    apps.set(key, m.kernel.connect(app.exports[0]!, stubOfBlockApp));
  }

  const rows: { config: Config; model: Model; test: string; kiops: number }[] = [];
  for (const model of MODELS) {
    for (const t of TESTS) {
      const kiops = await roundRobin(CONFIGS, samples, (config) => {
        const t0 = performance.now();
        const r = apps.get(`${config}/${model}`)!.run(t.write, t.depth, ms);
        if (!r.ok) throw new Error(`${config} ${model} ${t.test}: ${r.error.message}`);
        return r.value / (performance.now() - t0);
      });
      for (const config of CONFIGS) rows.push({ config, model, test: t.test, kiops: round(kiops.get(config)!, 1) });
      process.stderr.write('.');
    }
  }
  process.stderr.write('\n');
  await m.shutdown();

  const at = (config: Config, model: Model, test: string): number => rows.find((r) => r.config === config && r.model === model && r.test === test)!.kiops;
  const ratios = CONFIGS.filter((c) => c !== 'bare').flatMap((config) =>
    MODELS.flatMap((model) => TESTS.map((t) => ({ config, model, test: t.test, of_bare: round(at(config, model, t.test) / at('bare', model, t.test), 3) }))));
  const p3700Share = rows.filter((r) => r.model === 'p3700' && r.test.endsWith('-32')).map((r) => ({ config: r.config, test: r.test, of_limit: round(r.kiops / P3700_KIOPS, 3) }));
  const targets = {
    read_4k_32_unthrottled_domain_kiops: { target: 1000, value: at('redleaf-domain', 'unthrottled', 'read-4k-32'), met: at('redleaf-domain', 'unthrottled', 'read-4k-32') >= 1000 },
    p3700_share_of_limit: { target: 0.95, met: p3700Share.every((p) => p.of_limit >= 0.95) },
  };
  const file = await writeResult(inline ? 'nvme-inline' : 'nvme', { engine: inline ? 'inline' : 'threaded', load_average: loadAverage(o), ms_per_sample: ms, samples, p3700_limit_kiops: P3700_KIOPS, rows, ratios, p3700_share_of_limit: p3700Share, targets });
  const chart = await writeChart(inline ? 'nvme-inline' : 'nvme', barChart({
    title: 'NVMe driver: 4 KiB random I/O (K IOPS; device on its own thread)',
    unit: 'K IOPS',
    groups: MODELS.flatMap((model) => TESTS.map((t) => ({ label: `${t.test} ${model === 'p3700' ? 'P3700' : 'unthr.'}`, bars: CONFIGS.map((c) => ({ label: c, value: at(c, model, t.test) })) }))),
    reference: { label: 'P3700 model limit', value: P3700_KIOPS },
  }));
  console.log(JSON.stringify({ rows, targets }, null, 1));
  console.log(`wrote ${file} and ${chart}`);
}
