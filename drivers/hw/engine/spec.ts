// Serializable descriptions of devices and their wires, and the one function that turns them
// into running models. Both engines use it: the inline engine in the host thread, the threaded
// engine inside its worker. Everything in a spec is structured-cloneable (SharedArrayBuffers are
// shared, not copied), so host and worker end up looking at the same registers and counters.
import { DmaPageFilter } from '../dma.ts';
import type { DmaMemory } from '../dma.ts';
import { Ixgbe82599 } from '../ixgbe/device.ts';
import type { DeviceModel, DeviceSharedState } from '../mmio.ts';
import { NvmeController } from '../nvme/controller.ts';
import { FileStore, MemoryStore, Namespace } from '../nvme/namespace.ts';
import type { ServiceModelOptions } from '../nvme/service.ts';
import type { FrameSink, FrameSource } from '../wires/frames.ts';
import { LoopbackEnd } from '../wires/loopback.ts';
import { PcapReplay, PcapWriter, TapSink, TapSource } from '../wires/pcap.ts';
import { TrafficGenerator, TrafficSink } from '../wires/traffic.ts';
import type { GeneratorOptions } from '../wires/traffic.ts';
import { UdpTunnel } from '../wires/udp-tunnel.ts';

export interface DmaSpec {
  buffer: SharedArrayBuffer;
  /** State of a {@link DmaPageFilter}, if DMA is filtered. */
  filter?: SharedArrayBuffer;
}

export type LinkSpec =
  | { kind: 'none' }
  /** MoonGen-style: `generator` feeds the port's receiver, a sink counts what it transmits. */
  | { kind: 'traffic'; counters: SharedArrayBuffer; generator?: GeneratorOptions; sink?: boolean }
  /** A cable to another port of the same engine (by device index), or to itself. */
  | { kind: 'loopback'; peer: number }
  /** Frames of a capture file are replayed into the receiver. */
  | { kind: 'pcap'; replay: string; loop?: boolean }
  /** Frames cross a UDP socket; the bound port is published in `boundPort[0]`. */
  | { kind: 'udp'; localPort: number; localHost?: string; remotePort: number; remoteHost?: string; boundPort: SharedArrayBuffer };

export interface IxgbeSpec {
  kind: 'ixgbe';
  shared: DeviceSharedState;
  mac?: number[];
  port?: number;
  link: LinkSpec;
  /** pcap file recording both directions of the wire. */
  capture?: string;
}

export type StoreSpec =
  | { memory: SharedArrayBuffer }
  | { file: string; size?: number; durable?: boolean };

export interface NamespaceSpec {
  blockSize: number;
  /** Volatile write cache in blocks (0: none). */
  cacheBlocks: number;
  store: StoreSpec;
}

export interface NvmeSpec {
  kind: 'nvme';
  shared: DeviceSharedState;
  namespaces: NamespaceSpec[];
  maxQueues?: number;
  mqes?: number;
  dstrd?: number;
  mdts?: number;
  service?: ServiceModelOptions;
}

export type DeviceSpec = IxgbeSpec | NvmeSpec;

export function dmaFromSpec(spec: DmaSpec): DmaMemory {
  if (spec.filter === undefined) return { buffer: spec.buffer };
  const filter = new DmaPageFilter(spec.filter);
  return { buffer: spec.buffer, check: (a, l, w) => filter.check(a, l, w) };
}

export interface BuiltDevices {
  models: DeviceModel[];
  close(): void;
}

export interface BuildContext {
  /** Clock in nanoseconds for service models and rate-limited generators. */
  clock?: () => number;
}

/** Builds models and wires for `specs`, all on the calling thread. */
export function buildDevices(specs: DeviceSpec[], dma: DmaMemory, context: BuildContext = {}): BuiltDevices {
  const closers: (() => void)[] = [];
  const models: DeviceModel[] = specs.map((spec) => {
    if (spec.kind === 'ixgbe') {
      return new Ixgbe82599(dma, {
        shared: spec.shared,
        ...(spec.mac ? { mac: spec.mac } : {}),
        ...(spec.port !== undefined ? { port: spec.port } : {}),
      });
    }
    const namespaces = spec.namespaces.map((n) => {
      const store = 'memory' in n.store ? new MemoryStore(n.store.memory) : new FileStore(n.store.file, n.store.size, n.store.durable ?? false);
      return new Namespace({ blockSize: n.blockSize, store, cacheBlocks: n.cacheBlocks });
    });
    return new NvmeController(dma, {
      shared: spec.shared,
      namespaces,
      ...(spec.maxQueues !== undefined ? { maxQueues: spec.maxQueues } : {}),
      ...(spec.mqes !== undefined ? { mqes: spec.mqes } : {}),
      ...(spec.dstrd !== undefined ? { dstrd: spec.dstrd } : {}),
      ...(spec.mdts !== undefined ? { mdts: spec.mdts } : {}),
      ...(spec.service ? { service: spec.service } : {}),
      ...(context.clock ? { clock: context.clock } : {}),
    });
  });
  specs.forEach((spec, i) => {
    if (spec.kind !== 'ixgbe') return;
    const nic = models[i] as Ixgbe82599;
    let sink: FrameSink | undefined;
    let source: FrameSource | undefined;
    const link = spec.link;
    switch (link.kind) {
      case 'traffic':
        if (link.generator) source = new TrafficGenerator(link.counters, link.generator, context.clock);
        if (link.sink !== false) sink = new TrafficSink(link.counters);
        break;
      case 'loopback': {
        // Each end transmits into its peer; the peer's spec cables the other direction.
        const peer = models[link.peer];
        if (!(peer instanceof Ixgbe82599)) throw new Error(`loopback peer ${link.peer} is not an 82599 port`);
        sink = new LoopbackEnd(peer);
        break;
      }
      case 'pcap':
        source = new PcapReplay(link.replay, link.loop ?? false);
        break;
      case 'udp': {
        const tunnel = new UdpTunnel({
          localPort: link.localPort, remotePort: link.remotePort,
          ...(link.localHost ? { localHost: link.localHost } : {}),
          ...(link.remoteHost ? { remoteHost: link.remoteHost } : {}),
        });
        const bound = new Int32Array(link.boundPort);
        void tunnel.ready.then((port) => {
          Atomics.store(bound, 0, port);
          Atomics.notify(bound, 0);
        });
        closers.push(() => tunnel.close());
        sink = tunnel;
        source = tunnel;
        break;
      }
      case 'none':
        break;
    }
    if (spec.capture !== undefined) {
      const writer = new PcapWriter(spec.capture);
      closers.push(() => writer.close());
      sink = new TapSink(sink, writer);
      if (source !== undefined) source = new TapSource(source, writer);
    }
    nic.attach(sink, source);
  });
  return {
    models,
    close(): void {
      for (const m of models) m.close();
      for (const c of closers) c();
    },
  };
}
