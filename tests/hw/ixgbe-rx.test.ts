// 82599 receive path: advanced write-back (DD, EOP, length), RDH/RDT ownership, missed frames,
// SRRCTL buffer sizes, legacy descriptors, CRC stripping, RSS over several queues.
import { afterEach, describe, expect, it } from 'vitest';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { toeplitz } from '../../drivers/hw/ixgbe/rss.ts';
import { buildUdpFrame, crc32, readSeq, writeSeq } from '../../drivers/hw/wires/frames.ts';
import { ENGINE_KINDS, settle, waitUntil } from './support/engines.ts';
import { pairRig, shutdownAll } from './support/fixtures.ts';
import type { PairRig } from './support/fixtures.ts';

afterEach(shutdownAll);

function frames(n: number, length = 60): Uint8Array[] {
  return Array.from({ length: n }, (_, i) => {
    const f = buildUdpFrame({ length });
    writeSeq(f, 0, i);
    return f;
  });
}

function receiveAll(rig: PairRig, q: number, n: number): Uint8Array[] {
  const got: Uint8Array[] = [];
  waitUntil(rig.engine, () => {
    got.push(...rig.rx.receive(q, 64));
    return got.length >= n;
  });
  return got;
}

describe.each(ENGINE_KINDS)('82599 receive (%s engine)', (kind) => {
  it('writes back DD, EOP and the length, and advances RDH', async () => {
    const rig = await pairRig(kind);
    rig.tx.init();
    rig.rx.init({ ringSize: 64 });
    rig.tx.transmit(0, frames(3));
    const ring = rig.rx.rx[0]!;
    const w = ring.base >>> 2;
    expect(waitUntil(rig.engine, () => rig.b.bar0.read32(R.RDH(0)) === 3)).toBe(true);
    for (let i = 0; i < 3; i++) {
      const status = rig.mem.u32[w + 4 * i + 2]!;
      expect(status & (R.RX_DESC_STATUS_DD | R.RX_DESC_STATUS_EOP)).toBe(R.RX_DESC_STATUS_DD | R.RX_DESC_STATUS_EOP);
      expect(rig.mem.u32[w + 4 * i + 3]! & 0xffff).toBe(60);
    }
    expect(rig.mem.u32[w + 4 * 3 + 2]! & R.RX_DESC_STATUS_DD).toBe(0);
    const got = rig.rx.receive(0);
    expect(got.map((f) => readSeq(f, 0))).toEqual([0, 1, 2]);
  });

  it('treats RDT == RDH as no buffers and counts missed frames in MPC and QPRDC', async () => {
    const rig = await pairRig(kind);
    rig.tx.init();
    rig.rx.init({ ringSize: 8 }); // 7 usable descriptors (RDT = N - 1)
    rig.tx.transmit(0, frames(10));
    // Cleaned descriptors are counted across polls: on the threaded engine DD can be written back
    // before TDH moves, and a poll that cleaned them all would be followed by polls cleaning none.
    let cleaned = 0;
    expect(waitUntil(rig.engine, () => (cleaned += rig.tx.cleanTx(0)) > 0 && rig.a.bar0.read32(R.TDH(0)) === 10)).toBe(true);
    // On the threaded engine the receiving port may still be taking frames off the wire when the
    // sender is done (seen on a loaded machine): wait for the ring to fill, then for the rest.
    expect(waitUntil(rig.engine, () => rig.b.bar0.read32(R.RDH(0)) === 7)).toBe(true);
    settle(rig.engine);
    const s = rig.rx.readStats();
    expect(s.gprc).toBe(7);
    expect(s.mpc).toBe(3);
    expect(rig.b.bar0.read32(R.QPRDC(0))).toBe(3);
    expect(rig.rx.receive(0, 64)).toHaveLength(7);
    // Descriptors handed back: the next frames are received.
    rig.tx.transmit(0, frames(2));
    expect(receiveAll(rig, 0, 2)).toHaveLength(2);
  });

  it('splits a frame over several buffers of SRRCTL.BSIZEPACKET, EOP only on the last', async () => {
    const rig = await pairRig(kind);
    rig.tx.init();
    rig.rx.init({ ringSize: 64 });
    // Re-enable queue 0 with 1 KB buffers.
    const b = rig.b.bar0;
    b.write32(R.RXDCTL(0), 0);
    b.write32(R.SRRCTL(0), R.SRRCTL_DESCTYPE_ADV_ONEBUF | 1);
    b.write32(R.RDH(0), 0);
    b.write32(R.RXDCTL(0), R.RXDCTL_ENABLE);
    b.write32(R.RDT(0), 63);
    rig.rx.rx[0]!.next = 0;
    const f = buildUdpFrame({ length: 1514 });
    for (let i = 42; i < 1514; i++) f[i] = i & 0xff;
    rig.tx.transmit(0, [f]);
    expect(waitUntil(rig.engine, () => b.read32(R.RDH(0)) === 2)).toBe(true);
    const w = rig.rx.rx[0]!.base >>> 2;
    expect(rig.mem.u32[w + 2]! & 3).toBe(R.RX_DESC_STATUS_DD);
    expect(rig.mem.u32[w + 3]! & 0xffff).toBe(1024);
    expect(rig.mem.u32[w + 6]! & 3).toBe(R.RX_DESC_STATUS_DD | R.RX_DESC_STATUS_EOP);
    expect(rig.mem.u32[w + 7]! & 0xffff).toBe(490);
    const bufs = rig.rx.rx[0]!.buffers;
    const joined = new Uint8Array(1514);
    joined.set(rig.mem.u8.subarray(bufs[0]!, bufs[0]! + 1024), 0);
    joined.set(rig.mem.u8.subarray(bufs[1]!, bufs[1]! + 490), 1024);
    expect(joined).toEqual(f);
  });

  it('uses the legacy write-back format when SRRCTL.DESCTYPE is legacy', async () => {
    const rig = await pairRig(kind);
    rig.tx.init();
    rig.rx.init({ ringSize: 64 });
    const b = rig.b.bar0;
    b.write32(R.RXDCTL(0), 0);
    b.write32(R.SRRCTL(0), 2);
    b.write32(R.RDH(0), 0);
    b.write32(R.RXDCTL(0), R.RXDCTL_ENABLE);
    b.write32(R.RDT(0), 63);
    rig.tx.transmit(0, frames(1, 100));
    expect(waitUntil(rig.engine, () => b.read32(R.RDH(0)) === 1)).toBe(true);
    const w = rig.rx.rx[0]!.base >>> 2;
    expect(rig.mem.u32[w]).toBe(rig.rx.rx[0]!.buffers[0]); // address untouched in legacy format
    expect(rig.mem.u32[w + 2]! & 0xffff).toBe(100);
    expect(rig.mem.u32[w + 3]! & 0xff).toBe(R.RX_DESC_STATUS_DD | R.RX_DESC_STATUS_EOP);
  });

  it('appends a correct FCS when CRC stripping is off', async () => {
    const rig = await pairRig(kind);
    rig.tx.init();
    rig.rx.init({ ringSize: 64 });
    const b = rig.b.bar0;
    b.write32(R.HLREG0, b.read32(R.HLREG0) & ~R.HLREG0_RXCRCSTRP);
    b.write32(R.RDRXCTL, b.read32(R.RDRXCTL) & ~R.RDRXCTL_CRCSTRIP);
    const f = frames(1)[0]!;
    rig.tx.transmit(0, [f]);
    const [got] = receiveAll(rig, 0, 1);
    expect(got).toHaveLength(64);
    const fcs = crc32(f, 0, 60);
    expect(new DataView(got!.buffer).getUint32(60, true)).toBe(fcs);
  });

  it('receives nothing while RXCTRL.RXEN is clear or the queue is disabled', async () => {
    const rig = await pairRig(kind);
    rig.tx.init();
    rig.rx.init({ ringSize: 64 });
    const b = rig.b.bar0;
    b.write32(R.RXCTRL, 0);
    rig.tx.transmit(0, frames(2));
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === 2)).toBe(true);
    settle(rig.engine);
    expect(b.read32(R.RDH(0))).toBe(0);
    expect(rig.rx.readStats().gprc).toBe(0);
    b.write32(R.RXCTRL, R.RXCTRL_RXEN);
    b.write32(R.RXDCTL(0), 0);
    expect(b.read32(R.RXDCTL(0)) & R.RXDCTL_ENABLE).toBe(0);
    rig.tx.transmit(0, frames(1));
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === 3)).toBe(true);
    settle(rig.engine);
    expect(rig.rx.readStats().mpc).toBe(1);
  });

  it('spreads flows over several queues with RSS and reports the Toeplitz hash', async () => {
    const rig = await pairRig(kind);
    rig.tx.init();
    rig.rx.init({ rxQueues: 4, ringSize: 64 });
    const b = rig.b.bar0;
    const key = Array.from({ length: 40 }, (_, i) => (i * 37 + 11) & 0xff);
    for (let i = 0; i < 10; i++) b.write32(R.RSSRK(i), key[4 * i]! | (key[4 * i + 1]! << 8) | (key[4 * i + 2]! << 16) | (key[4 * i + 3]! << 24));
    for (let i = 0; i < 32; i++) b.write32(R.RETA(i), 0x03020100);
    b.write32(R.RQSMR(0), 0x03020100); // queue i counts into QPRC(i)
    b.write32(R.MRQC, R.MRQC_RSS_ENABLE | R.MRQC_RSS_FIELD_IPV4 | R.MRQC_RSS_FIELD_IPV4_UDP);
    const sent = Array.from({ length: 64 }, (_, i) => buildUdpFrame({ srcPort: 1000 + i }));
    rig.tx.transmit(0, sent);
    expect(waitUntil(rig.engine, () => rig.a.bar0.read32(R.TDH(0)) === 64)).toBe(true);
    settle(rig.engine);
    const perQueue = [0, 1, 2, 3].map((q) => b.read32(R.QPRC(q)));
    expect(perQueue.reduce((x, y) => x + y)).toBe(64);
    expect(perQueue.filter((n) => n > 0).length).toBeGreaterThan(1);
    // The hash in the first descriptor of the queue that got frame 0 is the Toeplitz hash.
    const input = new Uint8Array(12);
    input.set(sent[0]!.subarray(26, 34), 0);
    input.set(sent[0]!.subarray(34, 38), 8);
    const h = toeplitz(Uint8Array.from(key), input, 12);
    const q = (h & 0x7f) % 4;
    const w = rig.rx.rx[q]!.base >>> 2;
    expect(rig.mem.u32[w + 1]).toBe(h);
    expect(rig.mem.u32[w]! & 0xf).toBe(0x7); // RSS type IPv4/UDP
  });
});

describe('Toeplitz hash', () => {
  it('matches the Microsoft RSS verification vector', () => {
    const key = Uint8Array.from([
      0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3, 0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb,
      0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3, 0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
    ]);
    // 66.9.149.187:2794 -> 161.142.100.80:1766
    const ipOnly = Uint8Array.from([66, 9, 149, 187, 161, 142, 100, 80]);
    expect(toeplitz(key, ipOnly, 8)).toBe(0x323e8fc2);
    const withPorts = Uint8Array.from([66, 9, 149, 187, 161, 142, 100, 80, 0x0a, 0xea, 0x06, 0xe6]);
    expect(toeplitz(key, withPorts, 12)).toBe(0x51ccc178);
  });
});
