// `npm run bench -- rv6 [--quick|--smoke]`: rv6 measured from its programs, on the threaded
// engine (devices on their own thread). The bench program (rv6/usr/bench) runs as the first
// process, one mode per run: the cheapest system call (getpid) in a loop, spawn+exit+wait of a
// trivial program, pipe throughput between two processes; then `bench serve` runs the driver
// benchmarks' loops over the raw interfaces core hands out, one command per sample read from
// the console, beside the benchmark applications as domains (bench/domains, as in
// `bench -- nvme` and `bench -- ixgbe`), in the same machine:
//   redleaf-domain  block-app / packet-app domain -> driver domain
//   rv6-domain      rv6 program -> the driver interface core handed it (the driver domain)
//   rv6-shadow      rv6 program -> the driver's shadow -> the driver
// Each configuration has a device of its own.
import type { NicHandle, NvmeHandle } from '../drivers/hw/engine/engine.ts';
import type { BlockApp, PacketApp } from '../runtime/idl/bench.ts';
import { stubOfBlockApp, stubOfPacketApp } from '../runtime/idl/generated/bench.ts';
import { stubOfNet } from '../runtime/idl/generated/net.ts';
import { stubOfNvmeBDev } from '../runtime/idl/generated/nvme.ts';
import type { Net } from '../runtime/idl/net.ts';
import type { NvmeBDev } from '../runtime/idl/nvme.ts';
import { argvString } from '../runtime/idl/ulib.ts';
import type { Link } from '../runtime/kernel/gate.ts';
import { bundleDomain } from '../runtime/kernel/bundle.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../drivers/hw/pci.ts';
import { makeImage } from '../rv6/host/boot/image.ts';
import { bootMachine } from '../rv6/host/boot/machine.ts';
import type { Machine } from '../rv6/host/boot/machine.ts';
import type { Artifact } from '../signer/artifact.ts';
import { generateKey, trustedKeyOf } from '../signer/keys.ts';
import { signBundle } from '../signer/sign.ts';
import { fileURLToPath } from 'node:url';
import { median, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { barChart } from './lib/svg.ts';
import { driverBenchOptions, loadAverage, roundRobin } from './lib/machine.ts';

export const RV6_CONFIGS = ['redleaf-domain', 'rv6-domain', 'rv6-shadow'] as const;
type Config = (typeof RV6_CONFIGS)[number];
const TESTS = [
  { test: 'read-4k-32', kind: 'blk', op: 'read', n: 32, unit: 'K IOPS' },
  { test: 'write-4k-32', kind: 'blk', op: 'write', n: 32, unit: 'K IOPS' },
  { test: 'tx-64-32', kind: 'pkt', op: 'tx', n: 32, unit: 'Mpps' },
  { test: 'rx-64-32', kind: 'pkt', op: 'rx', n: 32, unit: 'Mpps' },
] as const;
const TARGET_SPAWN_MS = 10;
const TARGET_RATIO = 0.8;

const root = (rel: string): string => fileURLToPath(new URL(`../${rel}/`, import.meta.url));

export default async function main(args: string[]): Promise<void> {
  const o = driverBenchOptions(args);
  const { ms, samples } = o;
  const smoke = args.includes('--smoke');

  const key = generateKey();
  const sign = async (dir: string): Promise<Artifact> => signBundle(await bundleDomain(root(dir)), key);
  const names = ['drivers/nvme', 'drivers/nvme-shadow', 'drivers/ixgbe', 'drivers/ixgbe-shadow', 'drivers/bdev', 'rv6/fs', 'rv6/core', 'bench/domains/block-app', 'bench/domains/packet-app', 'rv6/usr/bench'];
  const a = new Map<string, Artifact>();
  for (const n of names) a.set(n, await sign(n));
  const art = (n: string): Artifact => a.get(n)!;

  let out = '';
  const log: string[] = [];
  // The console: `bench serve` reads commands from it, and each answer is a line of output.
  const input: string[] = [];
  let reader: ((b: Uint8Array | undefined) => void) | undefined;
  let answered: ((line: string) => void) | undefined;
  const utf8 = new TextEncoder();
  const send = (line: string): void => {
    if (reader === undefined) input.push(line);
    else {
      const r = reader;
      reader = undefined;
      r(line === '' ? undefined : utf8.encode(`${line}\n`));
    }
  };
  const ask = (line: string): Promise<string> => new Promise((resolve) => {
    answered = resolve;
    send(line);
  });
  const disks = new Map<Config, NvmeHandle>();
  const nics = new Map<Config, NicHandle>();
  const m: Machine = await bootMachine({
    trusted: [trustedKeyOf(key, 'bench')],
    artifacts: { nvme: art('drivers/nvme'), nvmeShadow: art('drivers/nvme-shadow'), ixgbe: art('drivers/ixgbe'), ixgbeShadow: art('drivers/ixgbe-shadow'), bdev: art('drivers/bdev'), fs: art('rv6/fs'), core: art('rv6/core') },
    disk: { image: makeImage(new Map([['bench', JSON.stringify(art('rv6/usr/bench'))]])) },
    terminal: {
      write(b) {
        out += new TextDecoder().decode(b);
        const nl = out.indexOf('\n');
        if (nl >= 0 && answered !== undefined) {
          const line = out.slice(0, nl);
          out = out.slice(nl + 1);
          const a = answered;
          answered = undefined;
          a(line);
        }
      },
      read: () => new Promise((resolve) => {
        const line = input.shift();
        if (line === undefined) reader = resolve;
        else resolve(line === '' ? undefined : utf8.encode(`${line}\n`));
      }),
    },
    log: (line) => { log.push(line); },
    engine: 'threaded',
    extraDevices(engine) {
      // As bench/nvme.ts and bench/ixgbe.ts: an unthrottled 64 MiB namespace, and a port with a
      // generator offering 60-byte frames whenever it has buffers and a sink taking every frame.
      for (const c of RV6_CONFIGS) {
        disks.set(c, engine.addNvme({ namespaces: [{ memory: 64 << 20, cacheBlocks: 2048 }] }));
        nics.set(c, engine.addIxgbe({ link: { kind: 'traffic', generator: { frame: { length: 60 } }, sink: true } }));
      }
    },
  });
  const k = m.kernel;
  const attach = (name: string, kind: 'nvme' | 'ixgbe', d: NvmeHandle | NicHandle): void => {
    d.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    k.attachDevice(name, { kind, bar0: d.bar0, dma: m.filter });
  };
  const driver = (dir: string, shadow: boolean, device: string): Link => {
    const options = { args: [device, ''], devices: [device] };
    return shadow ? k.loadShadowed(art(dir), art(`${dir}-shadow`), options).shadow.exports[0]! : k.load(art(dir), options).exports[0]!;
  };
  const blockApps = new Map<Config, BlockApp>();
  const packetApps = new Map<Config, PacketApp>();
  const raw = new Map<Config, { nvme: NvmeBDev; net: Net }>();
  for (const [i, c] of RV6_CONFIGS.entries()) {
    // The machine's own are disk0, disk1 and nic0.
    const disk = `disk${i + 2}`, nic = `nic${i + 1}`;
    attach(disk, 'nvme', disks.get(c)!);
    attach(nic, 'ixgbe', nics.get(c)!);
    const shadow = c === 'rv6-shadow';
    const nvme = driver('drivers/nvme', shadow, disk);
    const net = driver('drivers/ixgbe', shadow, nic);
    if (c === 'redleaf-domain') {
      blockApps.set(c, k.connect(k.load(art('bench/domains/block-app'), { args: [nvme] }).exports[0]!, stubOfBlockApp));
      packetApps.set(c, k.connect(k.load(art('bench/domains/packet-app'), { args: [net] }).exports[0]!, stubOfPacketApp));
    } else raw.set(c, { nvme: k.connect(nvme, stubOfNvmeBDev), net: k.connect(net, stubOfNet) });
  }

  /** Runs the bench program with `words` as the first process; its output's numbers. */
  const program = async (words: string[]): Promise<number[]> => {
    out = '';
    const r = await m.core.run('/bench', argvString(['bench', ...words]));
    if (!r.ok || r.value.errno !== 0 || r.value.status !== 0) throw new Error(`bench ${words.join(' ')}: ${r.ok ? `errno ${r.value.errno}, status ${r.value.status}` : r.error.message}: ${out}\n${log.join('\n')}`);
    return out.trim().split(/\s+/).slice(1).map(Number);
  };

  // The cheapest system call: getpid from a program's loop (the await and the crossing).
  const calls = smoke ? 1000 : 100_000;
  const nullNs: number[] = [];
  for (let s = -1; s < samples; s++) {
    const [n = 1, took = 0] = await program(['getpid', String(calls)]);
    if (s >= 0) nullNs.push((took * 1e6) / n);
  }
  // spawn+exit+wait of 'bench nop', from a program (a first run warms the loader's path).
  await program(['spawn', '3']);
  const spawns = await program(['spawn', String(smoke ? 5 : 100)]);
  // Pipe throughput: bytes from one process to another through a pipe (4 KiB writes).
  const pipeBytes = smoke ? 256 << 10 : 16 << 20;
  const pipeMbs: number[] = [];
  for (let s = -1; s < samples; s++) {
    const [bytes = 0, took = 1] = await program(['pipe', String(pipeBytes)]);
    if (s >= 0) pipeMbs.push(bytes / 1e6 / (took / 1000));
  }
  process.stderr.write('.');

  // One long-running program for the device loops (as the applications are long-running
  // domains): it takes each configuration's interfaces once, set in core with Rv6Core.devices.
  out = '';
  const served = m.core.run('/bench', argvString(['bench', 'serve']));
  for (const [c, d] of raw) {
    const set = m.core.devices(d.nvme, d.net);
    if (!set.ok) throw new Error(`core: ${set.error.message}`);
    const took = await ask(`take ${c}`);
    if (took !== `took ${c}`) throw new Error(`bench serve: ${took}\n${log.join('\n')}`);
  }
  const serve = async (line: string): Promise<number[]> => {
    const answer = await Promise.race([ask(line), served.then((r) => `ended: ${r.ok ? `status ${r.value.status}` : r.error.message}`)]);
    const words = answer.split(' ');
    if (words[0] !== line.split(' ')[0]) throw new Error(`bench ${line}: ${answer}\n${log.join('\n')}`);
    return words.slice(1).map(Number);
  };

  const rows: { config: Config; test: string; value: number; unit: string }[] = [];
  for (const t of TESTS) {
    const rates = await roundRobin(RV6_CONFIGS, samples, async (c) => {
      let count: number, elapsed: number;
      if (c === 'redleaf-domain') {
        const t0 = performance.now();
        const r = t.kind === 'blk' ? blockApps.get(c)!.run(t.op === 'write', t.n, ms) : packetApps.get(c)!.run(t.op === 'tx', t.n, ms);
        elapsed = performance.now() - t0;
        if (!r.ok) throw new Error(`${c} ${t.test}: ${r.error.message}`);
        count = r.value;
      } else {
        // The program times its own loop, as the host times app.run.
        [count = 0, elapsed = 1] = await serve(`${t.kind} ${c} ${t.op} ${t.n} ${ms}`);
      }
      // Per ms: K IOPS for blocks; Mpps for packets after / 1000.
      return t.kind === 'blk' ? count / elapsed : count / elapsed / 1000;
    });
    for (const c of RV6_CONFIGS) rows.push({ config: c, test: t.test, value: round(rates.get(c)!, t.kind === 'blk' ? 1 : 3), unit: t.unit });
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  send('');
  const ended = await served;
  if (!ended.ok || ended.value.status !== 0) throw new Error(`bench serve ended badly: ${out}\n${log.join('\n')}`);
  await m.shutdown();

  const at = (c: Config, test: string): number => rows.find((r) => r.config === c && r.test === test)!.value;
  const ratios = (['rv6-domain', 'rv6-shadow'] as const).flatMap((config) => TESTS.map((t) => ({ config, test: t.test, of_redleaf_domain: round(at(config, t.test) / at('redleaf-domain', t.test), 3) })));
  const nullSyscallNs = round(median(nullNs), 0);
  const spawnMs = round(median(spawns), 2);
  const domainRatios = ratios.filter((r) => r.config === 'rv6-domain');
  const targets = {
    spawn_ms: { target: TARGET_SPAWN_MS, value: spawnMs, met: spawnMs <= TARGET_SPAWN_MS },
    rv6_domain_of_redleaf_domain: { target: TARGET_RATIO, min: Math.min(...domainRatios.map((r) => r.of_redleaf_domain)), met: domainRatios.every((r) => r.of_redleaf_domain >= TARGET_RATIO) },
  };
  const result = {
    engine: 'threaded',
    load_average: loadAverage(o),
    ms_per_sample: ms,
    samples,
    null_syscall_ns: nullSyscallNs,
    spawn_ms: spawnMs,
    spawn_ms_min: round(Math.min(...spawns), 2),
    spawns: spawns.length,
    pipe_mb_per_s: round(median(pipeMbs), 1),
    pipe_bytes: pipeBytes,
    rows,
    ratios,
    targets,
  };
  const file = await writeResult('rv6', result);
  const chart = await writeChart('rv6', barChart({
    title: 'rv6 programs over the drivers, relative to redleaf-domain',
    unit: 'of redleaf-domain',
    groups: TESTS.map((t) => ({ label: t.test, bars: RV6_CONFIGS.map((c) => ({ label: c, value: round(at(c, t.test) / at('redleaf-domain', t.test), 3) })) })),
    reference: { label: `target ${TARGET_RATIO}`, value: TARGET_RATIO },
  }));
  console.log(JSON.stringify({ null_syscall_ns: nullSyscallNs, spawn_ms: spawnMs, pipe_mb_per_s: result.pipe_mb_per_s, rows, ratios, targets }, null, 1));
  console.log(`wrote ${file} and ${chart}`);
}
