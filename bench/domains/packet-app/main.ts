// The packet benchmark's application (`npm run bench -- ixgbe`): a closed loop moving `batch`
// buffers per call. Buffers are made once: every buffer that comes back (sent, or filled by a
// received frame) goes round again. At most `batch` come back per call: the collect deque is
// kept full but for `batch` places, as a caller with a batch of that size would see.
import { RRef, RRefDeque, ok } from '../../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import type { PacketApp } from '../../../runtime/idl/bench.ts';
import { PacketBuffer } from '../../../runtime/idl/layouts.ts';
import type { Net } from '../../../runtime/idl/net.ts';

/** Calls between clock reads (a clock read crosses into the kernel). */
const CLOCK_EVERY = 256;
/** Buffers the application owns: enough to fill a 255-descriptor ring and keep batches moving. */
const POOL = 1024;
/** A minimum-size Ethernet frame without its FCS: 64 bytes on the wire. */
const FRAME = 60;

export function create(sys: Syscalls, net: Net): PacketApp {
  const pool = RRefDeque.new(PacketBuffer, POOL);
  for (let i = 0; i < 768; i++) {
    const p = RRef.new(PacketBuffer);
    p.set('len', FRAME);
    // Broadcast destination, locally administered source, IPv4 ethertype; the rest zero.
    for (let b = 0; b < 6; b++) p.setAt('data', b, 0xff);
    p.setAt('data', 6, 0x02);
    p.setAt('data', 12, 0x08);
    if (pool.pushBack(p) !== undefined) throw new Error('packet-app: pool full');
  }
  let packets = RRefDeque.new(PacketBuffer, 32);
  let collect = RRefDeque.new(PacketBuffer, 32);

  /** Moves up to `n` buffers from `from` to `to`. */
  function move(from: Borrowed<RRefDeque<PacketBuffer, number>>, to: Borrowed<RRefDeque<PacketBuffer, number>>, n: number): void {
    for (let i = 0; i < n && !to.isFull; i++) {
      const p = from.popFront();
      if (p === undefined) return;
      if (p.get('len') !== FRAME) p.set('len', FRAME);
      if (to.pushBack(p) !== undefined) throw new Error('packet-app: a deque refused a buffer it had room for');
    }
  }

  return {
    run(tx: boolean, batch: number, ms: number): RpcResult<number> {
      if (batch < 1 || batch > 32) throw new RangeError('batch must be 1..32');
      move(collect, pool, collect.length);
      move(pool, collect, 32 - batch);
      let count = 0;
      const end = sys.now() + ms;
      for (let calls = 0; ; calls++) {
        if (calls % CLOCK_EVERY === 0 && sys.now() >= end) break;
        if (packets.length < batch) move(pool, packets, batch - packets.length);
        const r = net.submitAndPoll(packets, collect, tx);
        if (!r.ok) throw new Error(`packet-app: ${r.error.message}`);
        packets = r.value.packets;
        collect = r.value.collect;
        count += r.value.count;
        // What came back goes round again at once (the pool only covers what the rings hold).
        const reuse = Math.min(r.value.count, batch - packets.length);
        move(collect, packets, reuse);
        move(collect, pool, r.value.count - reuse);
      }
      return ok(count);
    },
  };
}
