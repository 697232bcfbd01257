// 82599 transmit path: TDT/TDH, DD only where RS asked for it, gathering, padding, context
// descriptors, several queues with their statistics mapping, DMATXCTL.TE.
import { afterEach, describe, expect, it } from 'vitest';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { buildUdpFrame, writeSeq } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { nicRig, pairRig, shutdownAll } from './support/fixtures.ts';
import type { NicRig } from './support/fixtures.ts';

afterEach(shutdownAll);

/** Writes one raw descriptor at the ring's next slot (no TDT write). */
function putDesc(rig: NicRig, q: number, addr: number, ctl: number, olinfo = 0): number {
  const ring = rig.drv.tx[q]!;
  const w = (ring.base + ring.next * 16) >>> 2;
  rig.mem.u32[w] = addr;
  rig.mem.u32[w + 1] = 0;
  rig.mem.u32[w + 2] = ctl >>> 0;
  rig.mem.u32[w + 3] = olinfo;
  ring.next = (ring.next + 1) % ring.size;
  return w;
}

const DATA = R.TX_DESC_CMD_DEXT | R.TX_DESC_DTYP_DATA | R.TX_DESC_CMD_IFCS;

describe.each(ENGINE_KINDS)('82599 transmit (%s engine)', (kind) => {
  it('sends descriptors up to TDT, writes DD only where RS is set, and advances TDH', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    const f = buildUdpFrame();
    const buf = rig.drv.tx[0]!.buffers[0]!;
    rig.mem.u8.set(f, buf);
    const w0 = putDesc(rig, 0, buf, DATA | R.TX_DESC_CMD_EOP | 60);
    const w1 = putDesc(rig, 0, buf, DATA | R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_RS | 60);
    putDesc(rig, 0, buf, DATA | R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_RS | 60); // beyond TDT: not sent
    rig.nic.bar0.write32(R.TDT(0), 2);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 2)).toBe(true);
    expect(waitUntil(rig.engine, () => rig.nic.bar0.read32(R.TDH(0)) === 2)).toBe(true);
    settle(rig.engine);
    expect(rig.mem.u32[w0 + 3]! & R.TX_DESC_STATUS_DD).toBe(0);
    expect(rig.mem.u32[w1 + 3]! & R.TX_DESC_STATUS_DD).toBe(R.TX_DESC_STATUS_DD);
    expect(rig.nic.traffic!.received).toBe(2);
  });

  it('gathers a frame over several descriptors up to EOP and pads short frames', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    const f = buildUdpFrame({ length: 300 });
    writeSeq(f, 0, 0);
    const bufs = rig.drv.tx[0]!.buffers;
    rig.mem.u8.set(f.subarray(0, 100), bufs[0]!);
    rig.mem.u8.set(f.subarray(100), bufs[1]!);
    putDesc(rig, 0, bufs[0]!, DATA | 100);
    putDesc(rig, 0, bufs[1]!, DATA | R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_RS | 200);
    // A 20-byte frame is padded to the 60-byte minimum (TXPADEN).
    rig.mem.u8.fill(0xab, bufs[2]!, bufs[2]! + 20);
    putDesc(rig, 0, bufs[2]!, DATA | R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_RS | 20);
    rig.nic.bar0.write32(R.TDT(0), 3);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 2)).toBe(true);
    expect(rig.nic.traffic!.receivedBytes).toBe(300 + 60);
  });

  it('consumes context descriptors without sending anything', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    const w = putDesc(rig, 0, 0, R.TX_DESC_CMD_DEXT | R.TX_DESC_DTYP_CONTEXT | R.TX_DESC_CMD_RS);
    rig.nic.bar0.write32(R.TDT(0), 1);
    expect(waitUntil(rig.engine, () => rig.nic.bar0.read32(R.TDH(0)) === 1)).toBe(true);
    settle(rig.engine);
    expect(rig.mem.u32[w + 3]! & R.TX_DESC_STATUS_DD).toBe(R.TX_DESC_STATUS_DD);
    expect(rig.nic.traffic!.received).toBe(0);
  });

  it('sends legacy descriptors (DEXT clear)', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    const buf = rig.drv.tx[0]!.buffers[0]!;
    rig.mem.u8.set(buildUdpFrame({ length: 80 }), buf);
    const w = putDesc(rig, 0, buf, R.TX_DESC_CMD_EOP | R.TX_DESC_CMD_IFCS | R.TX_DESC_CMD_RS | 80, 0xabcd0000);
    rig.nic.bar0.write32(R.TDT(0), 1);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 1)).toBe(true);
    expect(waitUntil(rig.engine, () => (rig.mem.u32[w + 3]! & 1) === 1)).toBe(true);
    expect(rig.mem.u32[w + 3]! >>> 16).toBe(0xabcd); // VLAN field of a legacy descriptor kept
    expect(rig.nic.traffic!.receivedBytes).toBe(80);
  });

  it('runs several queues independently and maps them to QPTC through TQSM', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ txQueues: 4, ringSize: 64 });
    rig.nic.bar0.write32(R.TQSM(0), 0x03020100);
    const f = buildUdpFrame();
    for (let q = 0; q < 4; q++) rig.drv.transmit(q, Array.from({ length: q + 1 }, () => f));
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 10)).toBe(true);
    // The sink sees a frame before its queue's TDH moves: wait for the heads too.
    expect(waitUntil(rig.engine, () => [0, 1, 2, 3].every((q) => rig.nic.bar0.read32(R.TDH(q)) === q + 1))).toBe(true);
    expect([0, 1, 2, 3].map((q) => rig.nic.bar0.read32(R.QPTC(q)))).toEqual([1, 2, 3, 4]);
    expect(rig.nic.bar0.read32(R.QPTC_ALIAS(3))).toBe(0); // cleared by the read above
  });

  it('holds descriptors while DMATXCTL.TE is clear', async () => {
    const rig = await nicRig(kind, { link: { kind: 'traffic' } });
    rig.drv.init({ ringSize: 64 });
    rig.nic.bar0.write32(R.DMATXCTL, 0);
    rig.drv.transmit(0, [buildUdpFrame()]);
    settle(rig.engine);
    expect(rig.nic.bar0.read32(R.TDH(0))).toBe(0);
    rig.nic.bar0.write32(R.DMATXCTL, R.DMATXCTL_TE);
    rig.drv.transmit(0, []);
    expect(waitUntil(rig.engine, () => rig.nic.traffic!.received === 1)).toBe(true);
  });

  it('loops frames between two ports in both directions', async () => {
    const rig = await pairRig(kind);
    rig.tx.init({ ringSize: 64 });
    rig.rx.init({ ringSize: 64 });
    rig.rx.transmit(0, [buildUdpFrame({ length: 70 })]);
    rig.tx.transmit(0, [buildUdpFrame({ length: 90 })]);
    const atA: Uint8Array[] = [], atB: Uint8Array[] = [];
    expect(waitUntil(rig.engine, () => {
      atA.push(...rig.tx.receive(0));
      atB.push(...rig.rx.receive(0));
      return atA.length === 1 && atB.length === 1;
    })).toBe(true);
    expect(atA[0]).toHaveLength(70);
    expect(atB[0]).toHaveLength(90);
  });
});
