// The MoonGen-style traffic wire: generator pacing, sequence checking in the sink.
import { afterEach, describe, expect, it } from 'vitest';
import { InlineEngine } from '../../drivers/hw/engine/inline.ts';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { buildUdpFrame, readSeq, writeSeq } from '../../drivers/hw/wires/frames.ts';
import { TrafficCounters, TrafficGenerator, TrafficSink } from '../../drivers/hw/wires/traffic.ts';
import type { FrameReceiver } from '../../drivers/hw/wires/frames.ts';
import { RefIxgbe } from './support/ixgbe-driver.ts';
import { DmaArena } from './support/memory.ts';
import { shutdownAll, track } from './support/fixtures.ts';

afterEach(shutdownAll);

class Collector implements FrameReceiver {
  seqs: number[] = [];
  space = Infinity;
  room(): number {
    return this.space;
  }
  receive(src: Uint8Array, off: number): boolean {
    if (this.space <= 0) return false;
    this.space--;
    this.seqs.push(readSeq(src, off));
    return true;
  }
}

describe('traffic wire', () => {
  it('counts lost and late frames by sequence number', () => {
    const c = new TrafficCounters();
    const sink = new TrafficSink(c);
    const f = buildUdpFrame();
    for (const s of [0, 1, 2, 5, 6, 4, 7]) {
      writeSeq(f, 0, s);
      sink.transmit(f, 0, f.length);
    }
    sink.transmit(f, 0, 20);
    expect([c.received, c.lost, c.reordered, c.unnumbered]).toEqual([8, 2, 1, 1]);
  });

  it('offers frames only while the port has room when unpaced', () => {
    const c = new TrafficCounters();
    const g = new TrafficGenerator(c, { count: 10 });
    const rx = new Collector();
    rx.space = 4;
    expect(g.pump(rx, 100)).toBe(4);
    rx.space = 100;
    expect(g.pump(rx, 100)).toBe(6);
    expect(g.pump(rx, 100)).toBe(0);
    expect(rx.seqs).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(c.generated).toBe(10);
  });

  it('paces frames by the clock and counts the ones the port drops', () => {
    let now = 0;
    const c = new TrafficCounters();
    const g = new TrafficGenerator(c, { ratePps: 1_000_000 }, () => now);
    const rx = new Collector();
    rx.space = 3;
    g.pump(rx, 1000);
    now = 10_000; // 10 us at 1 Mpps: 10 frames due
    expect(g.pump(rx, 1000)).toBe(10);
    expect(c.dropped).toBe(7);
    expect(g.timed).toBe(true);
  });

  it('feeds a port at line rate and shows missed frames as MPC', async () => {
    let now = 0;
    const mem = new DmaArena();
    const engine = track(new InlineEngine({ buffer: mem.buffer }, { clock: () => now }));
    const nic = engine.addIxgbe({ link: { kind: 'traffic', generator: { ratePps: 14_880_952 } } });
    await engine.start();
    const drv = new RefIxgbe(engine, nic.bar0, nic.pci, mem);
    drv.init({ ringSize: 64 });
    now += 1_000_000; // 1 ms: 14880 frames arrive, 63 fit
    engine.settle();
    expect(nic.traffic!.generated).toBe(14880);
    const s = drv.readStats();
    expect(s.gprc).toBe(63);
    expect(s.mpc).toBe(14880 - 63);
    expect(nic.bar0.read32(R.RDH(0))).toBe(63);
  });
});
