// The ixgbe driver behind its shadow: a driver that keeps crashing under load costs only the
// frames in flight at each crash; the caller keeps all its buffers, nothing arrives twice or
// damaged, and reception continues on the re-created driver without the caller re-posting.
import { afterEach, describe, expect, it } from 'vitest';
import { PacketBuffer } from '../../runtime/idl/layouts.ts';
import type { Net } from '../../runtime/idl/net.ts';
import { RRef, RRefDeque } from '../../runtime/lib/index.ts';
import { contents, drain, frame, nicMachine, packet } from './packets.ts';
import type { Deque } from './packets.ts';
import { shutdownMachines, unwrap } from './support.ts';

afterEach(shutdownMachines);

/** A frame whose sequence number sits in bytes 14..17, after a fixed-length pattern. */
function numbered(seq: number): Uint8Array {
  const f = frame(64 + (seq % 200), seq);
  new DataView(f.buffer).setUint32(14, seq, true);
  return f;
}

/** Sends `total` numbered frames from `tx` while `rx` receives; returns what arrived, and how many buffers tx got back. */
function run(settle: () => void, tx: Net, rx: Net, total: number) {
  let txIn: Deque = RRefDeque.new(PacketBuffer, 32), txOut: Deque = RRefDeque.new(PacketBuffer, 32);
  let rxIn: Deque = RRefDeque.new(PacketBuffer, 32), rxOut: Deque = RRefDeque.new(PacketBuffer, 32);
  for (let i = 0; i < 32; i++) rxIn.pushBack(RRef.new(PacketBuffer));
  const received: Uint8Array[] = [];
  let sent = 0, back = 0;
  for (let round = 0; round < 2000 && (back < total || sent < total); round++) {
    while (sent < total && !txIn.isFull) txIn.pushBack(packet(numbered(sent++)));
    const t = unwrap(tx.submitAndPoll(txIn, txOut, true));
    txIn = t.packets;
    txOut = t.collect;
    back += drain(txOut).length;
    settle();
    const r = unwrap(rx.submitAndPoll(rxIn, rxOut, false));
    rxIn = r.packets;
    rxOut = r.collect;
    for (const p of drain(rxOut)) {
      received.push(contents(p));
      p.set('len', 0);
      rxIn.pushBack(p); // the buffer goes round again
    }
  }
  return { received, back, unsent: txIn.length };
}

function sequences(received: Uint8Array[]): number[] {
  return received.map((f) => new DataView(f.buffer, f.byteOffset).getUint32(14, true));
}

describe('ixgbe shadow', () => {
  it('loses only frames in flight when the sending driver crashes, and conserves buffers', async () => {
    const { engine, nets, restarts, output } = await nicMachine([{}, { port: 1 }], true, [{ shadow: true, faults: 'requests:100' }, {}]);
    const total = 1000;
    const { received, back, unsent } = run(() => engine.settle(), nets[0]!, nets[1]!, total);
    expect(back + unsent).toBe(total); // every buffer came back: sent, or a fresh one for a dropped frame
    const seqs = sequences(received);
    expect(new Set(seqs).size).toBe(seqs.length); // nothing twice
    for (let i = 0; i < received.length; i++) expect(received[i]).toEqual(numbered(seqs[i]!)); // nothing damaged
    expect(restarts[0]!.restarts).toBeGreaterThanOrEqual(6);
    // Dropped: at most what was in flight at each crash (a batch and the ring's unreaped part).
    expect(received.length).toBeGreaterThan(total * 0.5);
    expect(output.some((l) => /ixgbe-shadow: driver re-created/.test(l))).toBe(true);
  });

  it('keeps receiving through restarts of the receiving driver, without the caller re-posting', async () => {
    const { engine, nets, restarts } = await nicMachine([{}, { port: 1 }], true, [{}, { shadow: true, faults: 'requests:150' }]);
    const { received } = run(() => engine.settle(), nets[0]!, nets[1]!, 1000);
    const seqs = sequences(received);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(restarts[1]!.restarts).toBeGreaterThanOrEqual(3);
    expect(received.length).toBeGreaterThan(300);
    // Frames sent last arrived: reception works on the latest driver instance.
    expect(Math.max(...seqs)).toBeGreaterThan(900);
  });
});
