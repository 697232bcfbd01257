// The ixgbe driver's shadow. Packets pass straight through (the shadow only counts the buffers
// the driver holds, from the deques' lengths), so it costs a call, not a copy per packet. When
// the driver crashes, the shadow has the kernel re-create it, gives the new instance as many
// fresh receive buffers as the old one held, and hands the caller fresh buffers for every one
// that died with the driver: frames in flight at the crash are dropped, as a NIC reset drops
// them, but the caller's buffers are conserved and it never sees the crash.
import { RRef, RRefDeque, ok } from '../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls } from '../../runtime/lib/index.ts';
import { PacketBuffer } from '../../runtime/idl/layouts.ts';
import type { Net, NetBatch, NetStats } from '../../runtime/idl/net.ts';

/** Restarts in a row (with no successful call between) before the shadow gives up. */
const MAX_RESTARTS = 3;
/** Buffers the shadow may owe the caller: two rings' worth. */
const OWED = 512;

type Deque = RRefDeque<PacketBuffer, 32>;

export function create(sys: Syscalls, driver: Net): Net {
  let rxHeld = 0, txHeld = 0;
  let failures = 0;
  let restarts = 0, dropped = 0;
  // Fresh buffers standing for ones that died with the driver, handed back as `collect` has room.
  const owed = RRefDeque.new(PacketBuffer, OWED);

  function fresh(into: Borrowed<RRefDeque<PacketBuffer, number>>, n: number): void {
    for (let i = 0; i < n; i++) {
      if (into.pushBack(RRef.new(PacketBuffer)) !== undefined) throw new Error('ixgbe-shadow: no room for a fresh buffer');
    }
  }

  function payOwed(collect: Borrowed<Deque>): number {
    let n = 0;
    while (!collect.isFull) {
      const p = owed.popFront();
      if (p === undefined) break;
      if (collect.pushBack(p) !== undefined) throw new Error('ixgbe-shadow: collect refused a buffer it had room for');
      n++;
    }
    return n;
  }

  /** Re-creates the driver and refills its receive ring; false when that is not possible. */
  function recover(): boolean {
    if (++failures > MAX_RESTARTS) return false;
    try {
      sys.restart();
    } catch {
      return false;
    }
    restarts++;
    let give = rxHeld;
    rxHeld = 0;
    while (give > 0) {
      const packets: Deque = RRefDeque.new(PacketBuffer, 32);
      const n = Math.min(give, 32);
      fresh(packets, n);
      const r = driver.submitAndPoll(packets, RRefDeque.new(PacketBuffer, 32), false);
      if (!r.ok) return recover();
      const taken = n - r.value.packets.length;
      rxHeld += taken - r.value.collect.length;
      for (let p = r.value.collect.popFront(); p !== undefined; p = r.value.collect.popFront()) p.drop();
      if (taken === 0) break;
      give -= taken;
    }
    return true;
  }

  /** After a crash: deques for the caller as long as the ones it gave, of fresh empty buffers. */
  function replacement(packetsLen: number, collectLen: number, tx: boolean): NetBatch {
    const packets: Deque = RRefDeque.new(PacketBuffer, 32);
    const collect: Deque = RRefDeque.new(PacketBuffer, 32);
    fresh(packets, packetsLen);
    fresh(collect, collectLen);
    if (tx) {
      dropped += packetsLen + txHeld;
      fresh(owed, txHeld);
      txHeld = 0;
    }
    sys.print(`ixgbe-shadow: driver re-created (${restarts} so far); ${dropped} frames in flight dropped so far`);
    payOwed(collect);
    return { count: 0, packets, collect };
  }

  function exchange(packets: Deque, collect: Deque, tx: boolean, poll: boolean): RpcResult<NetBatch> {
    const owedPaid = owed.isEmpty ? 0 : payOwed(collect);
    const packetsLen = packets.length, collectLen = collect.length;
    const r = poll ? driver.pollRx(packets, collect) : driver.submitAndPoll(packets, collect, tx);
    if (r.ok) {
      failures = 0;
      const given = packetsLen - r.value.packets.length;
      const returned = r.value.collect.length - collectLen;
      if (tx) txHeld += given - returned;
      else rxHeld += given - returned;
      return owedPaid === 0 ? r : ok({ count: r.value.count + owedPaid, packets: r.value.packets, collect: r.value.collect });
    }
    if (!recover()) return r;
    return ok(replacement(packetsLen, collectLen, tx));
  }

  /** A call that holds no buffers, asked again after each restart. */
  function retried<T>(call: () => RpcResult<T>): RpcResult<T> {
    for (;;) {
      const r = call();
      if (r.ok) {
        failures = 0;
        return r;
      }
      if (!recover()) return r;
    }
  }

  return {
    submitAndPoll(packets: Deque, collect: Deque, tx: boolean): RpcResult<NetBatch> {
      return exchange(packets, collect, tx, false);
    },
    pollRx(packets: Deque, collect: Deque): RpcResult<NetBatch> {
      return exchange(packets, collect, false, true);
    },
    stats(): RpcResult<NetStats> {
      return retried(() => driver.stats());
    },
    linkUp(): RpcResult<boolean> {
      return retried(() => driver.linkUp());
    },
    macAddress(): RpcResult<bigint> {
      return retried(() => driver.macAddress());
    },
  };
}
