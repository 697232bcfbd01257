// The driver benchmarks' machine: one kernel, devices on a threaded engine (their own thread,
// like hardware), and each configuration built over its own device: `bare` runs the driver's
// and the application's code in the host realm with no isolation (the DPDK/SPDK analogue),
// `redleaf-domain` loads both as signed domains talking through a proxy, `redleaf-shadow` puts
// the driver's shadow between them.
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { DmaPageFilter, filteredDma } from '../../drivers/hw/dma.ts';
import type { Mmio } from '../../drivers/hw/mmio.ts';
import type { Engine } from '../../drivers/hw/engine/engine.ts';
import { InlineEngine } from '../../drivers/hw/engine/inline.ts';
import { ThreadedEngine } from '../../drivers/hw/engine/threaded.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../drivers/hw/pci.ts';
import type { PciFunction } from '../../drivers/hw/pci.ts';
import type { Device, DmaTarget, Syscalls } from '../../runtime/lib/index.ts';
import { handleSlot } from '../../runtime/lib/handles.ts';
import type { Handle } from '../../runtime/lib/handles.ts';
import { bundleDomain } from '../../runtime/kernel/bundle.ts';
import { Kernel } from '../../runtime/kernel/kernel.ts';
import type { Link } from '../../runtime/kernel/gate.ts';
import type { Artifact } from '../../signer/artifact.ts';
import { generateKey, trustedKeyOf } from '../../signer/keys.ts';
import { signBundle } from '../../signer/sign.ts';
import { median, round } from './measure.ts';

export const CONFIGS = ['bare', 'redleaf-domain', 'redleaf-shadow'] as const;
export type Config = (typeof CONFIGS)[number];

/** The driver benchmarks' common options: sample length and count, and the engine. */
export interface DriverBenchOptions {
  readonly ms: number;
  readonly samples: number;
  /** --inline: devices on this thread, a diagnostic of CPU cost (written as <name>-inline.json). */
  readonly inline: boolean;
  /** The machine's 1-minute load at the start: two spinning threads need two idle cores. */
  readonly loadBefore: number;
}

export function driverBenchOptions(args: readonly string[]): DriverBenchOptions {
  const smoke = args.includes('--smoke');
  const quick = smoke || args.includes('--quick');
  return { ms: smoke ? 20 : quick ? 200 : 500, samples: smoke ? 1 : quick ? 3 : 7, inline: args.includes('--inline'), loadBefore: os.loadavg()[0] ?? 0 };
}

/** The load before and now, for a result's `load_average`. */
export function loadAverage(o: DriverBenchOptions): { before: number; after: number } {
  return { before: round(o.loadBefore, 2), after: round(os.loadavg()[0] ?? 0, 2) };
}

/**
 * Runs `sample(config)` (which returns a rate) for every configuration in turn, so all see the
 * same machine noise: one untimed round, then `samples` rounds. Returns each one's median.
 */
export async function roundRobin<C>(configs: readonly C[], samples: number, sample: (config: C) => number | Promise<number>): Promise<Map<C, number>> {
  const taken = new Map<C, number[]>(configs.map((c) => [c, []]));
  for (let s = -1; s < samples; s++) {
    for (const config of configs) {
      const rate = await sample(config);
      if (s >= 0) taken.get(config)!.push(rate);
    }
  }
  return new Map(configs.map((c) => [c, median(taken.get(c)!)]));
}

export class BenchMachine {
  readonly key = generateKey();
  readonly kernel: Kernel;
  readonly filter: DmaPageFilter;
  readonly engine: Engine;
  readonly #artifacts = new Map<string, Promise<Artifact>>();

  /**
   * `inline` runs the devices on the calling thread (a doorbell steps them): one core does
   * driver, application and device, which gives the CPU cost per packet free of thread effects.
   */
  constructor(engine: 'threaded' | 'inline' = 'threaded', heapBytes = 64 << 20) {
    this.kernel = new Kernel({ trusted: [trustedKeyOf(this.key, 'bench')], heap: { size: heapBytes, maxObjects: 256 * 1024 }, console: () => {} });
    this.kernel.enter();
    this.filter = DmaPageFilter.forBuffer(this.kernel.heap.buffer);
    const dma = filteredDma(this.kernel.heap.buffer, this.filter);
    this.engine = engine === 'inline' ? new InlineEngine(dma) : new ThreadedEngine(dma);
  }

  /** A domain under the repository root (`drivers/nvme`, `bench/domains/block-app`), signed once. */
  artifact(dir: string): Promise<Artifact> {
    let a = this.#artifacts.get(dir);
    if (a === undefined) this.#artifacts.set(dir, (a = bundleDomain(fileURLToPath(new URL(`../../${dir}/`, import.meta.url))).then((b) => signBundle(b, this.key))));
    return a;
  }

  /** Enables a started device on the bus and attaches it to the kernel under `name`. */
  attach(name: string, kind: 'nvme' | 'ixgbe', device: { pci: PciFunction; bar0: Mmio }): void {
    device.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    this.kernel.attachDevice(name, { kind, bar0: device.bar0, dma: this.filter });
  }

  /** The driver as a domain (behind its shadow when `shadow`): the link an application is given. */
  async driverLink(driver: string, shadow: string | undefined, device: string, faults = ''): Promise<{ link: Link; restartMs: readonly number[] }> {
    const options = { args: [device, faults], devices: [device] };
    if (shadow === undefined) return { link: this.kernel.load(await this.artifact(driver), options).exports[0]!, restartMs: [] };
    const s = this.kernel.loadShadowed(await this.artifact(driver), await this.artifact(shadow), options);
    return { link: s.shadow.exports[0]!, restartMs: s.stats.restartMs };
  }

  /** Syscalls for code running in the host realm with no isolation: MMIO and DMA straight to the device. */
  bareSyscalls(devices: Record<string, { bar0: Mmio }>): Syscalls {
    const heap = this.kernel.heap;
    const filter = this.filter;
    const unsupported = (what: string) => (): never => {
      throw new Error(`${what} is not available to bare code`);
    };
    return {
      print: () => undefined,
      now: () => performance.now(),
      sleep: (ms: number) => new Promise((r) => setTimeout(r, ms)),
      yield: () => new Promise((r) => setImmediate(r)),
      spawn: unsupported('spawn'),
      restart: unsupported('restart'),
      domainId: () => 0,
      heapStats: () => ({ objects: 0, bytes: 0 }),
      device(name: string): Device {
        const d = devices[name];
        if (d === undefined) throw new Error(`no device ${name}`);
        const bar0 = d.bar0;
        return {
          name,
          size: bar0.size,
          read32: (o: number) => bar0.read32(o),
          write32: (o: number, v: number) => bar0.write32(o, v),
          dmaAddress(object: DmaTarget): number {
            const slot = handleSlot(object as unknown as Handle);
            const addr = heap.registry.offset[slot]!, len = heap.registry.size[slot]!;
            filter.allow(addr, len);
            return addr;
          },
        };
      },
    };
  }

  async shutdown(): Promise<void> {
    this.kernel.shutdown();
    await this.engine.shutdown();
  }
}
