// The ixgbe driver domain on the inline 82599 model: bring-up, transmission to a traffic sink,
// and a byte-exact round trip between two cabled ports, each driven by its own instance.
import { afterEach, describe, expect, it } from 'vitest';
import * as R from '../../drivers/hw/ixgbe/registers.ts';
import { PacketBuffer } from '../../runtime/idl/layouts.ts';
import { RRef, RRefDeque } from '../../runtime/lib/index.ts';
import { contents, drain, frame, nicMachine as machine, packet } from './packets.ts';
import type { Deque } from './packets.ts';
import { shutdownMachines, unwrap } from './support.ts';

afterEach(shutdownMachines);

describe('ixgbe driver domain', () => {
  it('brings the port up: link, MAC address, zeroed statistics', async () => {
    const { nets, output } = await machine([{ mac: [2, 0, 0, 0xaa, 0xbb, 0xcc], link: { kind: 'traffic' } }]);
    const net = nets[0]!;
    expect(unwrap(net.linkUp())).toBe(true);
    expect(unwrap(net.macAddress())).toBe(0x020000aabbccn);
    expect(unwrap(net.stats())).toEqual({ rxPackets: 0n, txPackets: 0n, rxBytes: 0n, txBytes: 0n, rxMissed: 0n });
    expect(output.some((l) => /nic0 up, mac 020000aabbcc, link up/.test(l))).toBe(true);
  });

  it('reports the link down on a port without a cable', async () => {
    const { nets } = await machine([{}]);
    expect(unwrap(nets[0]!.linkUp())).toBe(false);
  });

  it('transmits frames to the wire and hands every buffer back', async () => {
    const { engine: e, nics, nets } = await machine([{ link: { kind: 'traffic' } }]);
    const net = nets[0]!;
    const total = 100;
    let sent = 0, bytes = 0, back = 0;
    let packets: Deque = RRefDeque.new(PacketBuffer, 32);
    let collect: Deque = RRefDeque.new(PacketBuffer, 32);
    for (let round = 0; round < 100 && back < total; round++) {
      while (sent < total && !packets.isFull) {
        const f = frame(60 + sent * 10, sent);
        bytes += f.length;
        expect(packets.pushBack(packet(f))).toBeUndefined();
        sent++;
      }
      const b = unwrap(net.submitAndPoll(packets, collect, true));
      packets = b.packets;
      collect = b.collect;
      back += drain(collect).length;
      e.settle();
    }
    expect(back).toBe(total);
    expect(packets.length).toBe(0);
    expect(nics[0]!.traffic!.received).toBe(total);
    expect(nics[0]!.traffic!.receivedBytes).toBe(bytes);
    const s = unwrap(net.stats());
    expect(s.txPackets).toBe(BigInt(total));
    expect(s.txBytes).toBe(BigInt(bytes + 4 * total)); // GOTC counts the CRC
    expect(e.modelFaults()).toBe(0);
    expect(nics[0]!.diagnostics()).toMatchObject({ dmaRefused: 0, txMalformed: 0 });
  });

  it('carries frames byte for byte from one port to another through loopback', async () => {
    const { engine: e, nics, nets } = await machine([{ mac: [2, 0, 0, 0, 0, 0xa] }, { mac: [2, 0, 0, 0, 0, 0xb], port: 1 }], true);
    const [sender, receiver] = [nets[0]!, nets[1]!];
    expect(unwrap(sender.linkUp())).toBe(true);
    expect(unwrap(receiver.linkUp())).toBe(true);

    // The receiver gets 32 empty buffers.
    let rxIn: Deque = RRefDeque.new(PacketBuffer, 32);
    let rxOut: Deque = RRefDeque.new(PacketBuffer, 32);
    for (let i = 0; i < 32; i++) expect(rxIn.pushBack(RRef.new(PacketBuffer))).toBeUndefined();
    let r = unwrap(receiver.submitAndPoll(rxIn, rxOut, false));
    expect(r.count).toBe(0);
    expect(r.packets.length).toBe(0);
    rxIn = r.packets;
    rxOut = r.collect;

    const lengths = [60, 61, 128, 333, 1000, 1514, 1518, 64];
    const frames = lengths.map((n, i) => frame(n, i));
    let txIn: Deque = RRefDeque.new(PacketBuffer, 32);
    let txOut: Deque = RRefDeque.new(PacketBuffer, 32);
    for (const f of frames) expect(txIn.pushBack(packet(f))).toBeUndefined();
    const t = unwrap(sender.submitAndPoll(txIn, txOut, true));
    txIn = t.packets;
    txOut = t.collect;
    e.settle();

    const got: Uint8Array[] = [];
    for (let round = 0; round < 10 && got.length < frames.length; round++) {
      r = unwrap(receiver.pollRx(rxIn, rxOut));
      rxIn = r.packets;
      rxOut = r.collect;
      for (const p of drain(rxOut)) got.push(contents(p));
    }
    expect(got).toEqual(frames);

    // The sender's buffers come back too (possibly on a later poll).
    let txBack = drain(txOut).length;
    const t2 = unwrap(sender.submitAndPoll(txIn, txOut, true));
    txBack += drain(t2.collect).length;
    expect(txBack).toBe(frames.length);

    const rs = unwrap(receiver.stats());
    expect(rs.rxPackets).toBe(BigInt(frames.length));
    expect(rs.rxMissed).toBe(0n);
    expect(unwrap(sender.stats()).txPackets).toBe(BigInt(frames.length));
    expect(e.modelFaults()).toBe(0);
    for (const nic of nics) expect(nic.diagnostics()).toMatchObject({ dmaRefused: 0, rxDmaErrors: 0, txDmaErrors: 0 });
  });

  it('counts frames missed while the receiver has no buffers, then receives once given some', async () => {
    const { engine: e, nets } = await machine([{}, { port: 1 }], true);
    const [sender, receiver] = [nets[0]!, nets[1]!];
    const txIn: Deque = RRefDeque.new(PacketBuffer, 32);
    expect(txIn.pushBack(packet(frame(100, 1)))).toBeUndefined();
    const t = unwrap(sender.submitAndPoll(txIn, RRefDeque.new(PacketBuffer, 32), true));
    e.settle();
    expect(unwrap(receiver.stats()).rxMissed).toBe(1n);

    const rxIn: Deque = RRefDeque.new(PacketBuffer, 32);
    expect(rxIn.pushBack(RRef.new(PacketBuffer))).toBeUndefined();
    const r = unwrap(receiver.submitAndPoll(rxIn, RRefDeque.new(PacketBuffer, 32), false));
    expect(r.count).toBe(0);
    expect(t.packets.pushBack(packet(frame(90, 2)))).toBeUndefined();
    unwrap(sender.submitAndPoll(t.packets, t.collect, true));
    e.settle();
    const p = unwrap(receiver.pollRx(r.packets, r.collect));
    expect(p.count).toBe(1);
    const [only] = drain(p.collect);
    expect(only && contents(only)).toEqual(frame(90, 2));
  });

  it('owns the buffers it holds: a crash frees them and ends the device\'s DMA', async () => {
    const { nics, nets, ids, filter, kernel: k } = await machine([{ link: { kind: 'traffic' } }]);
    const net = nets[0]!, id = ids[0]!;
    const before = k.heap.stats(id).objects;
    const rxIn: Deque = RRefDeque.new(PacketBuffer, 32);
    for (let i = 0; i < 32; i++) expect(rxIn.pushBack(RRef.new(PacketBuffer))).toBeUndefined();
    const r = unwrap(net.submitAndPoll(rxIn, RRefDeque.new(PacketBuffer, 32), false));
    expect(r.count).toBe(0);
    // The 32 buffers now belong to the driver (nested in its RX ring's RRefArray).
    expect(k.heap.stats(id).objects).toBe(before + 32);
    const ring = nics[0]!.bar0.read32(R.RDBAL(0));
    expect(filter.check(ring, 4096, true)).toBe(true);
    k.crash(id, 'test');
    expect(k.heap.stats(id).objects).toBe(0);
    expect(filter.check(ring, 4096, true)).toBe(false);
    expect(net.linkUp().ok).toBe(false);
  });

  it('never receives a frame longer than a buffer: the MAC drops oversize frames', async () => {
    const { engine: e, nics, nets } = await machine([{}, { port: 1 }], true);
    const [sender, receiver] = [nets[0]!, nets[1]!];
    const rxIn: Deque = RRefDeque.new(PacketBuffer, 32);
    for (let i = 0; i < 4; i++) expect(rxIn.pushBack(RRef.new(PacketBuffer))).toBeUndefined();
    const r = unwrap(receiver.submitAndPoll(rxIn, RRefDeque.new(PacketBuffer, 32), false));
    const txIn: Deque = RRefDeque.new(PacketBuffer, 32);
    // 2046 bytes fill a PacketBuffer exactly; written 2 bytes into the object, they would reach past it.
    for (const len of [2046, 1600, 1519, 1518]) expect(txIn.pushBack(packet(frame(len, len)))).toBeUndefined();
    unwrap(sender.submitAndPoll(txIn, RRefDeque.new(PacketBuffer, 32), true));
    e.settle();
    const p = unwrap(receiver.pollRx(r.packets, r.collect));
    expect(drain(p.collect).map((b) => b.get('len'))).toEqual([1518]);
    expect(nics[1]!.diagnostics()).toMatchObject({ rxOversize: 3, dmaRefused: 0 });
  });
});
