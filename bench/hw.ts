// `npm run bench -- hw [--seconds N] [--rounds N]`: the modeled devices' own ceiling. A minimal
// in-process driver loop (no domains, no proxies) drives the 82599 model at batch 32 in each
// direction and the NVMe model with 4 KB reads, inline and on a device thread. What this
// measures is how much of the 67 ns per packet budget of 10 GbE the model itself costs.
import os from 'node:os';
import { median, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { barChart } from './lib/svg.ts';
import type { Engine } from '../drivers/hw/engine/engine.ts';
import { InlineEngine } from '../drivers/hw/engine/inline.ts';
import { ThreadedEngine } from '../drivers/hw/engine/threaded.ts';
import * as R from '../drivers/hw/ixgbe/registers.ts';
import * as N from '../drivers/hw/nvme/registers.ts';
import { buildUdpFrame, SEQ_OFFSET } from '../drivers/hw/wires/frames.ts';
import { LINE_RATE_64B_PPS } from '../drivers/hw/wires/traffic.ts';
import { RefIxgbe } from '../tests/hw/support/ixgbe-driver.ts';
import { DmaArena } from '../tests/hw/support/memory.ts';
import { RefNvme } from '../tests/hw/support/nvme-driver.ts';

type Kind = 'inline' | 'threaded';
const BATCH = 32;

const napCell = new Int32Array(new SharedArrayBuffer(4));
let stalls = 0;
/**
 * Called when the driver loop could not make progress. A real driver would keep polling; on a
 * machine whose cores are shared with other work, a loop that never blocks keeps the device
 * thread off the core it needs, and both then advance one ring per scheduler time slice. After
 * a run of fruitless polls the loop therefore blocks for 20 us, which lets the device run.
 */
function stalled(): void {
  if (++stalls >= 256) {
    stalls = 0;
    Atomics.wait(napCell, 0, 0, 0.02);
  }
}
function progressed(): void {
  stalls = 0;
}
const RING = 512;
// Namespace size for the NVMe run: the working set of the random reads. Override with HW_NVME_MB.
const NVME_BYTES = Number(process.env.HW_NVME_MB ?? 64) << 20;

function makeEngine(kind: Kind, mem: DmaArena): Engine {
  return kind === 'inline' ? new InlineEngine({ buffer: mem.buffer }) : new ThreadedEngine({ buffer: mem.buffer });
}

/** Operations per second over a timed window, and CPU nanoseconds per operation (all threads). */
interface Rate {
  perSecond: number;
  cpuNsPerOp: number;
}

/** Times `run` for `seconds`, counting operations with `count()` before and after. */
function timed(seconds: number, run: (deadline: number) => void, count: () => number): Rate {
  const before = count();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  run(t0 + seconds * 1000);
  const elapsed = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const ops = count() - before;
  return { perSecond: (ops * 1000) / elapsed, cpuNsPerOp: ops > 0 ? ((cpu.user + cpu.system) * 1000) / ops : 0 };
}

function option(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? Number(args[i + 1]) : fallback;
}

/** Packets per second the NIC model transmits at batch 32 (device-side count). */
export async function nicTx(kind: Kind, seconds: number): Promise<Rate> {
  const mem = new DmaArena(64 << 20);
  const engine = makeEngine(kind, mem);
  const nic = engine.addIxgbe({ link: { kind: 'traffic' } });
  await engine.start();
  const drv = new RefIxgbe(engine, nic.bar0, nic.pci, mem);
  drv.init({ ringSize: RING });
  const ring = drv.tx[0]!;
  const frame = buildUdpFrame();
  for (const b of ring.buffers) mem.u8.set(frame, b);
  const { u32, i32 } = mem;
  const bar = nic.bar0;
  const cmd = (R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_IFCS | R.TX_DESC_CMD_DEXT | R.TX_DESC_DTYP_DATA | frame.length) >>> 0;
  const olinfo = frame.length << R.TX_DESC_PAYLEN_SHIFT;
  let next = 0, clean = 0, seq = 0;
  const run = (deadline: number): void => {
    while (performance.now() < deadline) {
      for (let k = 0; k < 64; k++) {
        // Clean in groups of 32: the last descriptor of a group carries RS.
        while (clean !== next) {
          const last = (clean + BATCH - 1) % RING;
          if ((Atomics.load(i32, ((ring.base + last * 16) >>> 2) + 3) & R.TX_DESC_STATUS_DD) === 0) break;
          clean = (clean + BATCH) % RING;
        }
        const free = (clean - next - 1 + RING) % RING;
        if (free < BATCH) {
          stalled();
          continue;
        }
        progressed();
        for (let j = 0; j < BATCH; j++) {
          const i = next + j;
          const buf = ring.buffers[i]!;
          u32[(buf + SEQ_OFFSET) >>> 2] = seq++; // buffers are 128-byte aligned
          const w = (ring.base + i * 16) >>> 2;
          u32[w] = buf;
          u32[w + 1] = 0;
          u32[w + 2] = j === BATCH - 1 ? cmd | R.TX_DESC_CMD_RS : cmd;
          u32[w + 3] = olinfo;
        }
        next = (next + BATCH) % RING;
        bar.write32(R.TDT(0), next);
      }
    }
  };
  run(performance.now() + 200); // warm-up
  // Count what the device finished (the sink's count) within the window.
  const rate = timed(seconds, run, () => nic.traffic!.received);
  if (nic.traffic!.lost !== 0 || nic.traffic!.reordered !== 0) throw new Error(`sink saw ${nic.traffic!.lost} sequence gaps`);
  await engine.shutdown();
  return rate;
}

/** Packets per second the NIC model receives from a generator at batch 32 (driver-side count). */
export async function nicRx(kind: Kind, seconds: number): Promise<Rate> {
  const mem = new DmaArena(64 << 20);
  const engine = makeEngine(kind, mem);
  const nic = engine.addIxgbe({ link: { kind: 'traffic', generator: {} } });
  await engine.start();
  const drv = new RefIxgbe(engine, nic.bar0, nic.pci, mem);
  drv.init({ ringSize: RING });
  const ring = drv.rx[0]!;
  const { u32, i32 } = mem;
  const bar = nic.bar0;
  let nextIdx = 0, received = 0, bytes = 0;
  const run = (deadline: number): void => {
    while (performance.now() < deadline) {
      for (let k = 0; k < 64; k++) {
        engine.poll();
        let n = 0;
        for (; n < BATCH; n++) {
          const w = (ring.base + nextIdx * 16) >>> 2;
          if ((Atomics.load(i32, w + 2) & R.RX_DESC_STATUS_DD) === 0) break;
          bytes += u32[w + 3]! & 0xffff;
          u32[w] = ring.buffers[nextIdx]!;
          u32[w + 1] = 0;
          u32[w + 2] = 0;
          u32[w + 3] = 0;
          nextIdx = nextIdx + 1 === RING ? 0 : nextIdx + 1;
        }
        if (n === 0) stalled();
        else progressed();
        if (n > 0) {
          received += n;
          bar.write32(R.RDT(0), (nextIdx - 1 + RING) % RING);
        }
      }
    }
  };
  run(performance.now() + 200);
  const rate = timed(seconds, run, () => received);
  if (bytes === 0) throw new Error('no frames received');
  await engine.shutdown();
  return rate;
}

/** 4 KB reads per second the NVMe model completes, queue depth 256 on one queue pair. */
export async function nvmeIops(kind: Kind, seconds: number): Promise<Rate> {
  const mem = new DmaArena(64 << 20);
  const engine = makeEngine(kind, mem);
  const ctrl = engine.addNvme({ namespaces: [{ memory: NVME_BYTES, blockSize: 512 }] });
  await engine.start();
  const drv = new RefNvme(engine, ctrl.bar0, ctrl.pci, mem);
  const depth = 256;
  drv.init(1, depth + 1);
  const q = drv.io[0]!;
  const buffers = Array.from({ length: depth + 1 }, () => mem.alloc(4096));
  const blocks = drv.blocks;
  const { u32, i32 } = mem;
  const bar = ctrl.bar0;
  const sqDb = N.sqTailDoorbell(q.id, drv.dstrd), cqDb = N.cqHeadDoorbell(q.id, drv.dstrd);
  let inFlight = 0, done = 0, lba = 0, sqTail = 0, cqHead = 0, phase = 1;
  const size = q.size;
  const run = (deadline: number): void => {
    while (performance.now() < deadline) {
      for (let k = 0; k < 64; k++) {
        let submitted = 0;
        while (inFlight < depth && submitted < BATCH) {
          const w = (q.sq + sqTail * 64) >>> 2;
          u32[w] = N.NVM_READ | (sqTail << 16);
          u32[w + 1] = 1;
          u32[w + 6] = buffers[sqTail % buffers.length]!;
          u32[w + 7] = 0;
          u32[w + 8] = 0;
          u32[w + 9] = 0;
          u32[w + 10] = lba;
          u32[w + 11] = 0;
          u32[w + 12] = 7; // 8 x 512 bytes
          lba = (lba + 8 * 97) % (blocks - 8);
          sqTail = sqTail + 1 === size ? 0 : sqTail + 1;
          inFlight++;
          submitted++;
        }
        if (submitted > 0) bar.write32(sqDb, sqTail);
        engine.poll();
        let reaped = 0;
        for (;;) {
          const dw3 = Atomics.load(i32, ((q.cq + cqHead * 16) >>> 2) + 3);
          if (((dw3 >>> 16) & 1) !== phase) break;
          if (dw3 >>> 17 !== 0) throw new Error(`read failed: status 0x${(dw3 >>> 17).toString(16)}`);
          cqHead = cqHead + 1 === size ? 0 : cqHead + 1;
          if (cqHead === 0) phase ^= 1;
          reaped++;
        }
        if (reaped === 0 && submitted === 0) stalled();
        else progressed();
        if (reaped > 0) {
          bar.write32(cqDb, cqHead);
          inFlight -= reaped;
          done += reaped;
        }
      }
    }
  };
  run(performance.now() + 200);
  const rate = timed(seconds, run, () => done);
  await engine.shutdown();
  return rate;
}

export default async function main(args: string[]): Promise<void> {
  const seconds = option(args, 'seconds', 1);
  const rounds = option(args, 'rounds', 5);
  const kinds: Kind[] = ['inline', 'threaded'];
  /** Median rate of `rounds` runs, and the CPU cost per operation of the median run. */
  const sample = async (f: (k: Kind, s: number) => Promise<Rate>, kind: Kind): Promise<Rate> => {
    const runs: Rate[] = [];
    for (let i = 0; i < rounds; i++) runs.push(await f(kind, seconds));
    const mid = median(runs.map((r) => r.perSecond));
    const closest = runs.reduce((a, b) => (Math.abs(b.perSecond - mid) < Math.abs(a.perSecond - mid) ? b : a));
    return { perSecond: mid, cpuNsPerOp: closest.cpuNsPerOp };
  };
  const pair = (): { inline: number; threaded: number } => ({ inline: 0, threaded: 0 });
  const result = { nic_tx_mpps: pair(), nic_rx_mpps: pair(), nvme_kiops: pair() };
  const cpu = { nic_tx: pair(), nic_rx: pair(), nvme: pair() };
  const loadBefore = os.loadavg()[0] ?? 0;
  for (const kind of kinds) {
    const tx = await sample(nicTx, kind);
    result.nic_tx_mpps[kind] = round(tx.perSecond / 1e6, 2);
    cpu.nic_tx[kind] = round(tx.cpuNsPerOp, 1);
    console.log(`nic tx ${kind}: ${result.nic_tx_mpps[kind]} Mpps (${cpu.nic_tx[kind]} ns CPU per packet)`);
    const rx = await sample(nicRx, kind);
    result.nic_rx_mpps[kind] = round(rx.perSecond / 1e6, 2);
    cpu.nic_rx[kind] = round(rx.cpuNsPerOp, 1);
    console.log(`nic rx ${kind}: ${result.nic_rx_mpps[kind]} Mpps (${cpu.nic_rx[kind]} ns CPU per packet)`);
    const io = await sample(nvmeIops, kind);
    result.nvme_kiops[kind] = round(io.perSecond / 1e3, 0);
    cpu.nvme[kind] = round(io.cpuNsPerOp, 0);
    console.log(`nvme ${kind}: ${result.nvme_kiops[kind]} K IOPS, 4 KB reads (${cpu.nvme[kind]} ns CPU per I/O)`);
  }
  const file = await writeResult('hw', {
    ...result,
    /** CPU time of the whole process (driver and device threads) per packet or I/O. */
    cpu_ns_per_op: cpu,
    /** 1-minute load average before and after: above ~1 the threaded figures share cores. */
    load_average: { before: round(loadBefore, 2), after: round(os.loadavg()[0] ?? 0, 2) },
    targets: { nic_mpps_threaded: 30, nvme_kiops_threaded: 2000 },
    parameters: { batch: BATCH, ring: RING, nvme_queue_depth: 256, nvme_io_bytes: 4096, seconds_per_sample: seconds, samples: rounds },
  });
  const svg = barChart({
    title: 'Modeled hardware ceiling (minimal driver loop)',
    unit: 'Mpps / M IOPS',
    groups: [
      { label: 'NIC TX (Mpps)', bars: kinds.map((k) => ({ label: k, value: result.nic_tx_mpps[k] })) },
      { label: 'NIC RX (Mpps)', bars: kinds.map((k) => ({ label: k, value: result.nic_rx_mpps[k] })) },
      { label: 'NVMe 4K read (M IOPS)', bars: kinds.map((k) => ({ label: k, value: result.nvme_kiops[k] / 1000 })) },
    ],
    reference: { label: '10 GbE line rate, 64 B', value: LINE_RATE_64B_PPS / 1e6 },
  });
  await writeChart('hw', svg);
  console.log(`wrote ${file}`);
}
