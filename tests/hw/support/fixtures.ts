// Set-ups shared by the suites: an engine of the requested kind with one device, its reference
// driver, and cleanup that stops every engine a test started.
import type { DmaMemory } from '../../../drivers/hw/dma.ts';
import type { Engine, NicHandle, NicOptions, NvmeHandle, NvmeOptions } from '../../../drivers/hw/engine/engine.ts';
import { makeEngine } from './engines.ts';
import type { Kind } from './engines.ts';
import { RefIxgbe } from './ixgbe-driver.ts';
import { DmaArena } from './memory.ts';
import { RefNvme } from './nvme-driver.ts';

const live: Engine[] = [];

export async function shutdownAll(): Promise<void> {
  while (live.length > 0) await live.pop()!.shutdown();
}

export interface NicRig {
  engine: Engine;
  nic: NicHandle;
  drv: RefIxgbe;
  mem: DmaArena;
}

export async function nicRig(kind: Kind, options: NicOptions = {}, dma?: (mem: DmaArena) => DmaMemory): Promise<NicRig> {
  const mem = new DmaArena();
  const engine = makeEngine(kind, dma ? dma(mem) : { buffer: mem.buffer });
  live.push(engine);
  const nic = engine.addIxgbe(options);
  await engine.start();
  return { engine, nic, drv: new RefIxgbe(engine, nic.bar0, nic.pci, mem), mem };
}

export interface NvmeRig {
  engine: Engine;
  ctrl: NvmeHandle;
  drv: RefNvme;
  mem: DmaArena;
}

export async function nvmeRig(kind: Kind, options: Partial<NvmeOptions> = {}, dma?: (mem: DmaArena) => DmaMemory): Promise<NvmeRig> {
  const mem = new DmaArena();
  const engine = makeEngine(kind, dma ? dma(mem) : { buffer: mem.buffer });
  live.push(engine);
  const ctrl = engine.addNvme({ namespaces: [{ memory: 1 << 20 }], ...options });
  await engine.start();
  return { engine, ctrl, drv: new RefNvme(engine, ctrl.bar0, ctrl.pci, mem), mem };
}

/** Registers an engine made by hand for cleanup. */
export function track<T extends Engine>(engine: T): T {
  live.push(engine);
  return engine;
}

export interface PairRig {
  engine: Engine;
  a: NicHandle;
  b: NicHandle;
  /** Sender. */
  tx: RefIxgbe;
  /** Receiver. */
  rx: RefIxgbe;
  mem: DmaArena;
}

/** Two ports cabled together: frames the test sends on `a` arrive at `b`. */
export async function pairRig(kind: Kind, bOptions: NicOptions = {}): Promise<PairRig> {
  const mem = new DmaArena(32 << 20);
  const engine = makeEngine(kind, { buffer: mem.buffer });
  live.push(engine);
  const a = engine.addIxgbe({ mac: [2, 0, 0, 0, 0, 0xa] });
  const b = engine.addIxgbe({ mac: [2, 0, 0, 0, 0, 0xb], port: 1, ...bOptions });
  engine.connect(a, b);
  await engine.start();
  return { engine, a, b, tx: new RefIxgbe(engine, a.bar0, a.pci, mem), rx: new RefIxgbe(engine, b.bar0, b.pci, mem), mem };
}
