// What the host (the kernel, a test, a benchmark) holds: an engine with devices plugged in, and a
// handle per device giving its PCI function and BAR0. Devices are declared first, then the
// engine starts; the same declarations run inline or on a worker thread.
import type { DmaMemory } from '../dma.ts';
import { IXGBE_DIAGNOSTICS, CONTROL_DIAGNOSTIC as IXGBE_CONTROL_DIAGNOSTIC, ixgbePciFunction } from '../ixgbe/device.ts';
import { IXGBE_BAR0_SIZE } from '../ixgbe/registers.ts';
import { ACCESS_DOORBELL, ACCESS_READ_HOOK, ACCESS_WRITE_HOOK, join64, split64 } from '../mmio.ts';
import type { DeviceSharedState, Mmio, MmioErrorCounts } from '../mmio.ts';
import { CONTROL_DIAGNOSTIC as NVME_CONTROL_DIAGNOSTIC, CONTROL_POWER_CUT, NVME_DIAGNOSTICS, nvmePciFunction, powerCutArg } from '../nvme/controller.ts';
import type { PowerCutMode } from '../nvme/namespace.ts';
import { NVME_BAR0_SIZE } from '../nvme/registers.ts';
import type { ServiceModelOptions } from '../nvme/service.ts';
import type { PciFunction } from '../pci.ts';
import { TrafficCounters } from '../wires/traffic.ts';
import type { GeneratorOptions } from '../wires/traffic.ts';
import type { DeviceSpec, IxgbeSpec, LinkSpec, NamespaceSpec } from './spec.ts';

export type EngineKind = 'inline' | 'threaded';

/** How a NIC port is wired (loopback cables are made with {@link Engine.connect}). */
export type NicLink =
  | { kind: 'none' }
  | { kind: 'traffic'; generator?: GeneratorOptions; sink?: boolean }
  | { kind: 'pcap'; replay: string; loop?: boolean }
  | { kind: 'udp'; localPort?: number; localHost?: string; remotePort: number; remoteHost?: string };

export interface NicOptions {
  mac?: readonly number[];
  /** LAN function number reported in STATUS. */
  port?: number;
  link?: NicLink;
  /** Record both directions of the wire into this pcap file. */
  capture?: string;
}

export interface NamespaceConfig {
  /** 512 (default) or 4096. */
  blockSize?: 512 | 4096;
  /** Volatile write cache size in blocks; 0 disables it. Default: 8 MiB worth. */
  cacheBlocks?: number;
  /** Memory backing: a size in bytes, or an existing SharedArrayBuffer. */
  memory?: number | SharedArrayBuffer;
  /** File backing: an existing disk image (grown to `size` when given and larger). */
  file?: string;
  size?: number;
  /** fsync the image on Flush and FUA writes. */
  durable?: boolean;
}

export interface NvmeOptions {
  namespaces: NamespaceConfig[];
  maxQueues?: number;
  mqes?: number;
  dstrd?: number;
  mdts?: number;
  service?: ServiceModelOptions;
}

export interface DeviceHandle {
  readonly index: number;
  readonly pci: PciFunction;
  /** BAR0; usable once the engine has started. */
  readonly bar0: Mmio;
  diagnostics(): Record<string, number>;
}

/** Host-side MMIO on one BAR: alignment, range and memory-space checks shared by both engines. */
export abstract class HostMmio implements Mmio {
  readonly errors: MmioErrorCounts = { misaligned: 0, outOfRange: 0, memoryDisabled: 0 };
  constructor(readonly size: number, protected readonly pci: PciFunction, protected readonly regs: Int32Array, protected readonly access: Uint8Array) {}

  /** Returns the dword index, or -1 when the access must be dropped (reads then give all ones). */
  protected word(offset: number): number {
    if ((offset & 3) !== 0) {
      this.errors.misaligned++;
      return -1;
    }
    if (offset < 0 || offset >= this.size) {
      this.errors.outOfRange++;
      return -1;
    }
    if (!this.pci.memoryEnabled()) {
      this.errors.memoryDisabled++;
      return -1;
    }
    return offset >>> 2;
  }

  read32(offset: number): number {
    const w = this.word(offset);
    if (w < 0) return 0xffffffff;
    if ((this.access[w]! & ACCESS_READ_HOOK) !== 0) return this.readHook(w) >>> 0;
    return Atomics.load(this.regs, w) >>> 0;
  }

  write32(offset: number, value: number): void {
    const w = this.word(offset);
    if (w < 0) return;
    const kind = this.access[w]!;
    if ((kind & ACCESS_WRITE_HOOK) !== 0) {
      this.writeHook(w, value | 0);
      return;
    }
    Atomics.store(this.regs, w, value | 0);
    if ((kind & ACCESS_DOORBELL) !== 0) this.doorbell();
  }

  read64(offset: number): bigint {
    const lo = this.read32(offset);
    return join64(lo, this.read32(offset + 4));
  }

  write64(offset: number, value: bigint): void {
    const [lo, hi] = split64(value);
    this.write32(offset, lo);
    this.write32(offset + 4, hi);
  }

  protected abstract readHook(word: number): number;
  protected abstract writeHook(word: number, value: number): void;
  protected abstract doorbell(): void;
}

interface Declared {
  spec: DeviceSpec;
  pci: PciFunction;
  size: number;
}

export abstract class Engine {
  abstract readonly kind: EngineKind;
  protected readonly declared: Declared[] = [];
  protected started = false;

  constructor(readonly dma: DmaMemory) {}

  private sharedState(size: number, pci: PciFunction): DeviceSharedState {
    return { regs: new SharedArrayBuffer(size), access: new SharedArrayBuffer(size >>> 2), config: pci.config };
  }

  private declare(spec: DeviceSpec, pci: PciFunction, size: number): number {
    if (this.started) throw new Error('devices must be added before the engine starts');
    this.declared.push({ spec, pci, size });
    return this.declared.length - 1;
  }

  /** Plugs in one 82599 port. */
  addIxgbe(options: NicOptions = {}): NicHandle {
    const pci = ixgbePciFunction();
    const link = options.link ?? { kind: 'none' };
    let traffic: TrafficCounters | undefined;
    let boundPort: SharedArrayBuffer | undefined;
    let linkSpec: LinkSpec;
    switch (link.kind) {
      case 'traffic':
        traffic = new TrafficCounters();
        linkSpec = { kind: 'traffic', counters: traffic.buffer, ...(link.generator ? { generator: link.generator } : {}), ...(link.sink !== undefined ? { sink: link.sink } : {}) };
        break;
      case 'udp':
        boundPort = new SharedArrayBuffer(4);
        linkSpec = {
          kind: 'udp', localPort: link.localPort ?? 0, remotePort: link.remotePort, boundPort,
          ...(link.localHost ? { localHost: link.localHost } : {}), ...(link.remoteHost ? { remoteHost: link.remoteHost } : {}),
        };
        break;
      case 'pcap':
        linkSpec = { kind: 'pcap', replay: link.replay, ...(link.loop !== undefined ? { loop: link.loop } : {}) };
        break;
      case 'none':
        linkSpec = { kind: 'none' };
    }
    const spec: IxgbeSpec = {
      kind: 'ixgbe', shared: this.sharedState(IXGBE_BAR0_SIZE, pci), link: linkSpec,
      ...(options.mac ? { mac: [...options.mac] } : {}), ...(options.port !== undefined ? { port: options.port } : {}),
      ...(options.capture !== undefined ? { capture: options.capture } : {}),
    };
    const index = this.declare(spec, pci, IXGBE_BAR0_SIZE);
    return new NicHandle(this, index, pci, traffic, boundPort);
  }

  /** Plugs in one NVMe controller. */
  addNvme(options: NvmeOptions): NvmeHandle {
    const pci = nvmePciFunction();
    const memories: (Uint8Array | undefined)[] = [];
    const namespaces: NamespaceSpec[] = options.namespaces.map((n) => {
      const blockSize = n.blockSize ?? 512;
      const cacheBlocks = n.cacheBlocks ?? Math.floor((8 << 20) / blockSize);
      if (n.file !== undefined) {
        memories.push(undefined);
        return { blockSize, cacheBlocks, store: { file: n.file, ...(n.size !== undefined ? { size: n.size } : {}), ...(n.durable ? { durable: true } : {}) } };
      }
      const memory = n.memory instanceof SharedArrayBuffer ? n.memory : new SharedArrayBuffer(n.memory ?? 64 << 20);
      memories.push(new Uint8Array(memory));
      return { blockSize, cacheBlocks, store: { memory } };
    });
    const spec: DeviceSpec = {
      kind: 'nvme', shared: this.sharedState(NVME_BAR0_SIZE, pci), namespaces,
      ...(options.maxQueues !== undefined ? { maxQueues: options.maxQueues } : {}),
      ...(options.mqes !== undefined ? { mqes: options.mqes } : {}),
      ...(options.dstrd !== undefined ? { dstrd: options.dstrd } : {}),
      ...(options.mdts !== undefined ? { mdts: options.mdts } : {}),
      ...(options.service ? { service: options.service } : {}),
    };
    const index = this.declare(spec, pci, NVME_BAR0_SIZE);
    return new NvmeHandle(this, index, pci, memories);
  }

  /** Cables two ports together (or a port to itself). */
  connect(a: NicHandle, b: NicHandle): void {
    const sa = this.declared[a.index]!.spec as IxgbeSpec;
    const sb = this.declared[b.index]!.spec as IxgbeSpec;
    sa.link = { kind: 'loopback', peer: b.index };
    sb.link = { kind: 'loopback', peer: a.index };
  }

  protected specs(): DeviceSpec[] {
    return this.declared.map((d) => d.spec);
  }

  /** Builds the devices (on this thread or on the worker). */
  abstract start(): Promise<void>;
  /** Lets inline devices do their work; a no-op for threaded devices, which never stop. */
  abstract poll(): number;
  /** Exceptions the models raised so far: always 0 unless a model has a bug (tests check it). */
  abstract modelFaults(): number;
  /** Closes files and sockets and stops any worker. */
  abstract shutdown(): Promise<void>;
  /** @internal */
  abstract mmio(index: number): HostMmio;
  /** @internal Runs a control operation on the device's thread. */
  abstract control(index: number, op: number, arg: number): number;
}

abstract class BaseHandle implements DeviceHandle {
  constructor(protected readonly engine: Engine, readonly index: number, readonly pci: PciFunction) {}
  get bar0(): HostMmio {
    return this.engine.mmio(this.index);
  }
  protected counters(names: readonly string[], op: number): Record<string, number> {
    const out: Record<string, number> = {};
    names.forEach((n, i) => (out[n] = this.engine.control(this.index, op, i)));
    const e = this.bar0.errors;
    out.mmioMisaligned = e.misaligned;
    out.mmioOutOfRange = e.outOfRange;
    out.mmioMemoryDisabled = e.memoryDisabled;
    return out;
  }
  abstract diagnostics(): Record<string, number>;
}

export class NicHandle extends BaseHandle {
  constructor(engine: Engine, index: number, pci: PciFunction, readonly traffic: TrafficCounters | undefined, private readonly boundPortBuffer: SharedArrayBuffer | undefined) {
    super(engine, index, pci);
  }
  diagnostics(): Record<string, number> {
    return this.counters(IXGBE_DIAGNOSTICS, IXGBE_CONTROL_DIAGNOSTIC);
  }
  /** The local UDP port of a 'udp' link, once the socket is bound. */
  async boundPort(): Promise<number> {
    if (this.boundPortBuffer === undefined) throw new Error('not a udp link');
    const a = new Int32Array(this.boundPortBuffer);
    while (Atomics.load(a, 0) === 0) await new Promise((r) => setTimeout(r, 1));
    return Atomics.load(a, 0);
  }
}

export class NvmeHandle extends BaseHandle {
  constructor(engine: Engine, index: number, pci: PciFunction, private readonly memories: (Uint8Array | undefined)[]) {
    super(engine, index, pci);
  }
  diagnostics(): Record<string, number> {
    return this.counters(NVME_DIAGNOSTICS, NVME_CONTROL_DIAGNOSTIC);
  }
  /** Simulated power loss; returns how many cached blocks were lost. The host must re-initialise. */
  powerCut(mode: PowerCutMode = 'discard'): number {
    return this.engine.control(this.index, CONTROL_POWER_CUT, powerCutArg(mode));
  }
  /** The durable contents of a memory-backed namespace (what survives a power cut). */
  media(namespace = 0): Uint8Array {
    const m = this.memories[namespace];
    if (m === undefined) throw new Error(`namespace ${namespace} is not memory-backed`);
    return m;
  }
}
