// Packet helpers of the ixgbe suites: a machine of 82599 ports on the inline engine, each with
// a driver instance (optionally behind its shadow), and frame builders.
import { DmaPageFilter, filteredDma } from '../../drivers/hw/dma.ts';
import type { NicHandle, NicOptions } from '../../drivers/hw/engine/engine.ts';
import { InlineEngine } from '../../drivers/hw/engine/inline.ts';
import { ThreadedEngine } from '../../drivers/hw/engine/threaded.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../drivers/hw/pci.ts';
import { stubOfNet } from '../../runtime/idl/generated/net.ts';
import { PacketBuffer } from '../../runtime/idl/layouts.ts';
import type { Net } from '../../runtime/idl/net.ts';
import type { RRefDeque } from '../../runtime/lib/index.ts';
import { RRef } from '../../runtime/lib/index.ts';
import { testKernel } from '../kernel/support.ts';
import { driverArtifact, track } from './support.ts';

export type Deque = RRefDeque<PacketBuffer, 32>;

/** Per port: whether its driver sits behind the shadow, and the driver's fault plan. */
export interface PortDriver {
  shadow?: boolean;
  faults?: string;
}

/** A machine on the threaded engine (the device on its own thread); see {@link nicMachine}. */
export async function threadedNicMachine(ports: NicOptions[], cable = false) {
  const artifact = await driverArtifact('ixgbe');
  const t = testKernel();
  const filter = DmaPageFilter.forBuffer(t.kernel.heap.buffer);
  const e = new ThreadedEngine(filteredDma(t.kernel.heap.buffer, filter));
  track(t.kernel, e);
  const nics: NicHandle[] = ports.map((o) => e.addIxgbe(o));
  if (cable) e.connect(nics[0]!, nics[1]!);
  await e.start();
  const nets: Net[] = nics.map((nic, i) => {
    nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    t.kernel.attachDevice(`nic${i}`, { kind: 'ixgbe', bar0: nic.bar0, dma: filter });
    return t.kernel.connect(t.kernel.load(artifact, { args: [`nic${i}`, ''], devices: [`nic${i}`] }).exports[0]!, stubOfNet);
  });
  return { engine: e, nics, nets, kernel: t.kernel, output: t.output };
}

/** A machine with the given ports (cabled together when `cable`), each with a driver instance. */
export async function nicMachine(ports: NicOptions[], cable = false, drivers: PortDriver[] = []) {
  const [artifact, shadow] = await Promise.all([driverArtifact('ixgbe'), driverArtifact('ixgbe-shadow')]);
  const t = testKernel();
  const filter = DmaPageFilter.forBuffer(t.kernel.heap.buffer);
  const e = new InlineEngine(filteredDma(t.kernel.heap.buffer, filter));
  track(t.kernel, e);
  const nics: NicHandle[] = ports.map((o) => e.addIxgbe(o));
  if (cable) e.connect(nics[0]!, nics[1]!);
  await e.start();
  const ids: number[] = [];
  const restarts: ({ restarts: number } | undefined)[] = [];
  const nets: Net[] = nics.map((nic, i) => {
    nic.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
    t.kernel.attachDevice(`nic${i}`, { kind: 'ixgbe', bar0: nic.bar0, dma: filter });
    const load = { args: [`nic${i}`, drivers[i]?.faults ?? ''], devices: [`nic${i}`] };
    if (drivers[i]?.shadow === true) {
      const s = t.kernel.loadShadowed(artifact, shadow, load);
      ids.push(s.target().id);
      restarts.push(s.stats);
      return t.kernel.connect(s.shadow.exports[0]!, stubOfNet);
    }
    const d = t.kernel.load(artifact, load);
    ids.push(d.id);
    restarts.push(undefined);
    return t.kernel.connect(d.exports[0]!, stubOfNet);
  });
  return { engine: e, nics, nets, ids, restarts, filter, kernel: t.kernel, output: t.output };
}

/** A frame of `len` bytes whose contents depend on `seed` (unicast destination). */
export function frame(len: number, seed: number): Uint8Array {
  const f = new Uint8Array(len);
  for (let i = 0; i < len; i++) f[i] = (i * 7 + seed * 13 + (i >> 8)) & 0xff;
  f[0] = 0x02; // locally administered unicast
  return f;
}

export function packet(bytes: Uint8Array): RRef<PacketBuffer> {
  const p = RRef.new(PacketBuffer);
  p.set('len', bytes.length);
  p.withBytes((b) => b.set(bytes, 2));
  return p;
}

export function contents(p: RRef<PacketBuffer>): Uint8Array {
  const len = p.get('len');
  return p.withBytes((b) => b.slice(2, 2 + len));
}

export function drain(d: Deque): RRef<PacketBuffer>[] {
  const out: RRef<PacketBuffer>[] = [];
  for (let p = d.popFront(); p !== undefined; p = d.popFront()) out.push(p);
  return out;
}

