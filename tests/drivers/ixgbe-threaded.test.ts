// The ixgbe driver domain with the 82599 model on its own thread, as in the benchmarks: the
// same bring-up, and frames carried byte for byte between two cabled ports while both run.
import { afterEach, describe, expect, it } from 'vitest';
import { PacketBuffer } from '../../runtime/idl/layouts.ts';
import { RRef, RRefDeque } from '../../runtime/lib/index.ts';
import { contents, drain, frame, packet, threadedNicMachine } from './packets.ts';
import type { Deque } from './packets.ts';
import { shutdownMachines, unwrap } from './support.ts';

afterEach(shutdownMachines);

describe('ixgbe driver domain (threaded engine)', () => {
  it('brings the port up: link, MAC address, zeroed statistics', async () => {
    const { nets, output } = await threadedNicMachine([{ mac: [2, 0, 0, 1, 2, 3], link: { kind: 'traffic' } }]);
    expect(unwrap(nets[0]!.linkUp())).toBe(true);
    expect(unwrap(nets[0]!.macAddress())).toBe(0x020000010203n);
    expect(unwrap(nets[0]!.stats()).txPackets).toBe(0n);
    expect(output.some((l) => /nic0 up, mac 020000010203, link up/.test(l))).toBe(true);
  });

  it('carries 200 frames byte for byte from one port to the other', async () => {
    const { nets, engine } = await threadedNicMachine([{}, { port: 1 }], true);
    const [sender, receiver] = [nets[0]!, nets[1]!];
    let rxIn: Deque = RRefDeque.new(PacketBuffer, 32), rxOut: Deque = RRefDeque.new(PacketBuffer, 32);
    // The receive ring gets 64 buffers before anything is sent, and at most 32 frames are ever
    // outstanding: received buffers are re-posted one call late, and 32 spare cover that.
    for (let batch = 0; batch < 2; batch++) {
      for (let i = 0; i < 32; i++) rxIn.pushBack(RRef.new(PacketBuffer));
      const posted = unwrap(receiver.submitAndPoll(rxIn, rxOut, false));
      expect(posted.packets.length).toBe(0);
      rxIn = posted.packets;
      rxOut = posted.collect;
    }
    let txIn: Deque = RRefDeque.new(PacketBuffer, 32), txOut: Deque = RRefDeque.new(PacketBuffer, 32);
    const frames = Array.from({ length: 200 }, (_, i) => frame(60 + ((i * 37) % 1400), i));
    const got: Uint8Array[] = [];
    let next = 0;
    const deadline = performance.now() + 10_000;
    while (got.length < frames.length && performance.now() < deadline) {
        if (next - got.length < 32) {
        while (next < frames.length && next - got.length < 32 && !txIn.isFull) txIn.pushBack(packet(frames[next++]!));
      }
      const t = unwrap(sender.submitAndPoll(txIn, txOut, true));
      txIn = t.packets;
      txOut = t.collect;
      drain(txOut);
      const r = unwrap(receiver.submitAndPoll(rxIn, rxOut, false));
      rxIn = r.packets;
      rxOut = r.collect;
      for (const p of drain(rxOut)) {
        got.push(contents(p));
        p.set('len', 0);
        rxIn.pushBack(p);
      }
      await new Promise((res) => setImmediate(res));
    }
    expect(got.length).toBe(frames.length);
    expect(got).toEqual(frames);
    expect(unwrap(receiver.stats()).rxMissed).toBe(0n);
    expect(engine.modelFaults()).toBe(0);
  });
});
