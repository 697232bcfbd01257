// The 82599 driver domain: RedLeaf's Net over queue 0 of one port, polled, zero copy. A
// PacketBuffer's `data` is the DMA source (TX) or target (RX) itself: the descriptor points at
// the buffer object's device address plus the offset of `data`. Buffers the device holds stay in
// the rings' driver-owned RRefArrays until it is done with them, then move into `collect`.
import { ok } from '../../runtime/lib/index.ts';
import type { Borrowed, RRef, RRefDeque, RpcResult, Syscalls } from '../../runtime/lib/index.ts';
import { PACKET_DATA } from '../../runtime/idl/layouts.ts';
import type { PacketBuffer } from '../../runtime/idl/layouts.ts';
import type { Net, NetBatch, NetStats } from '../../runtime/idl/net.ts';
import { faultPlan } from './faults.ts';
import { bringUp } from './init.ts';
import * as R from './registers.ts';
import type { RxRing, TxRing } from './rings.ts';

/** The queue this driver uses in each direction. */
const QUEUE = 0;

export function create(sys: Syscalls, device: string, faults: string): Net {
  const fault = faultPlan(sys, faults);
  /** Buffers handed to the device so far (what a `requests:N` fault plan counts). */
  let given = 0;
  const dev = sys.device(device);
  const port = bringUp(dev);
  const { rx, tx } = port;
  // The statistics registers clear on read: the driver keeps the running totals.
  let rxPackets = 0n, txPackets = 0n, rxBytes = 0n, txBytes = 0n, rxMissed = 0n;
  sys.print(`ixgbe: ${device} up, mac ${port.mac.toString(16).padStart(12, '0')}, link ${port.linkUp ? 'up' : 'down'}`);

  /** Moves `item` into `collect`; the caller checked it has room. */
  function hand(collect: Borrowed<RRefDeque<PacketBuffer, 32>>, item: RRef<PacketBuffer>): void {
    const refused = collect.pushBack(item);
    if (refused !== undefined) throw new Error('ixgbe: collect refused a buffer it had room for');
  }

  /** Moves finished buffers of `ring` into `collect` while it has room; returns how many. */
  function reapInto(ring: RxRing | TxRing, collect: Borrowed<RRefDeque<PacketBuffer, 32>>): number {
    let n = 0;
    while (!collect.isFull) {
      const pkt = ring.reap();
      if (pkt === undefined) break;
      hand(collect, pkt);
      n++;
    }
    return n;
  }

  /** Queues buffers of `packets` for sending while the ring has room; returns how many TX took. */
  function transmit(packets: Borrowed<RRefDeque<PacketBuffer, 32>>, collect: Borrowed<RRefDeque<PacketBuffer, 32>>): number {
    let n = 0;
    while (!tx.isFull) {
      const pkt = packets.popFront();
      if (pkt === undefined) break;
      const len = pkt.get('len');
      if (len === 0 || len > PACKET_DATA) {
        // Nothing sensible to send (length 0 or beyond `data`): handed back unsent, in `collect`
        // if it has room, else at the back of `packets` (which just gave up a place).
        const back = collect.isFull ? packets.pushBack(pkt) : collect.pushBack(pkt);
        if (back !== undefined) throw new Error('ixgbe: a refused buffer found no place');
        if (collect.isFull) break;
        continue;
      }
      const full = tx.post(pkt);
      if (full !== undefined) throw new Error('ixgbe: the TX ring refused a buffer it had room for');
      n++;
    }
    return n;
  }

  /** Posts buffers of `packets` to the RX ring while it has room. */
  function post(packets: Borrowed<RRefDeque<PacketBuffer, 32>>): number {
    let n = 0;
    while (!rx.isFull) {
      const pkt = packets.popFront();
      if (pkt === undefined) break;
      const full = rx.post(pkt);
      if (full !== undefined) throw new Error('ixgbe: the RX ring refused a buffer it had room for');
      n++;
    }
    return n;
  }

  function readStats(): void {
    rxPackets += BigInt(dev.read32(R.GPRC) >>> 0);
    txPackets += BigInt(dev.read32(R.GPTC) >>> 0);
    // 64-bit octet counters: low half read before the high half, as the datasheet orders it.
    const gorcl = BigInt(dev.read32(R.GORCL) >>> 0);
    rxBytes += gorcl + (BigInt(dev.read32(R.GORCH) >>> 0) << 32n);
    const gotcl = BigInt(dev.read32(R.GOTCL) >>> 0);
    txBytes += gotcl + (BigInt(dev.read32(R.GOTCH) >>> 0) << 32n);
    rxMissed += BigInt(dev.read32(R.MPC0) >>> 0);
  }

  function batch(count: number, packets: RRefDeque<PacketBuffer, 32>, collect: RRefDeque<PacketBuffer, 32>): NetBatch {
    return { count, packets, collect };
  }

  return {
    submitAndPoll(packets: RRefDeque<PacketBuffer, 32>, collect: RRefDeque<PacketBuffer, 32>, isTx: boolean): RpcResult<NetBatch> {
      if (isTx) {
        // Reap first so the ring has room; the tail doorbell is written even when nothing was
        // queued: it is how a polled device is kept going (the inline model steps on it).
        let n = reapInto(tx, collect);
        given += transmit(packets, collect);
        tx.ring(QUEUE);
        fault(given); // an injected crash strikes with buffers on the device
        n += reapInto(tx, collect);
        return ok(batch(n, packets, collect));
      }
      given += post(packets);
      rx.ring(QUEUE);
      fault(given);
      return ok(batch(reapInto(rx, collect), packets, collect));
    },
    pollRx(packets: RRefDeque<PacketBuffer, 32>, collect: RRefDeque<PacketBuffer, 32>): RpcResult<NetBatch> {
      // Only reaps: buffers are given with submitAndPoll(tx false); `packets` comes back as it was.
      rx.ring(QUEUE);
      return ok(batch(reapInto(rx, collect), packets, collect));
    },
    stats(): RpcResult<NetStats> {
      readStats();
      return ok({ rxPackets, txPackets, rxBytes, txBytes, rxMissed });
    },
    linkUp(): RpcResult<boolean> {
      return ok((dev.read32(R.LINKS) & R.LINKS_UP) !== 0);
    },
    macAddress(): RpcResult<bigint> {
      return ok(port.mac);
    },
  };
}

