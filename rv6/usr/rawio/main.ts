// rawio: moves data through the raw device interfaces core hands out (Rv6.nvme, Rv6.net).
//   rawio blk <n>   writes blocks 0..n-1 of the raw NVMe namespace with a pattern, flushes,
//                   reads them back and compares
//   rawio net <n>   gives the NIC receive buffers, sends n frames numbered in their payload
//                   and waits for them to come back (the machine cables the port to itself)
import { RRef, RRefDeque, ok } from '../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import { Block, BlockRequest, PacketBuffer } from '../../../runtime/idl/layouts.ts';
import type { Net } from '../../../runtime/idl/net.ts';
import type { NvmeBDev } from '../../../runtime/idl/nvme.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { argvOf, print } from '../../../runtime/idl/ulib.ts';

const FRAME = 60;
/** Where a frame carries its number: after the Ethernet header. */
const SEQ_AT = 14;
/** Polls before giving up on a request or a frame. */
const POLLS = 1_000_000;

const pattern = (block: number, i: number): number => (block * 31 + i * 7 + 1) & 0xff;

export function create(sys: Syscalls, rv6: Rv6): Program {
  /** Runs `requests` to completion; answers the completed ones (in completion order). */
  function complete(nvme: NvmeBDev, requests: RRef<BlockRequest>[]): RRef<BlockRequest>[] {
    let submit = RRefDeque.new(BlockRequest, 32);
    let collect = RRefDeque.new(BlockRequest, 32);
    for (const r of requests) if (submit.pushBack(r) !== undefined) throw new Error('rawio: more than 32 requests');
    const done: RRef<BlockRequest>[] = [];
    for (let polls = 0; done.length < requests.length; polls++) {
      if (polls > POLLS) throw new Error('rawio: the NVMe device did not complete the requests');
      const r = submit.length > 0 ? nvme.submitAndPoll(submit, collect) : nvme.pollCompletions(collect);
      if (!r.ok) throw new Error(`rawio: ${r.error.message}`);
      submit = r.value.submit;
      collect = r.value.collect;
      for (let q = collect.popFront(); q !== undefined; q = collect.popFront()) done.push(q);
    }
    submit.drop();
    collect.drop();
    return done;
  }

  async function blk(nvme: NvmeBDev, n: number): Promise<string> {
    const size = nvme.blocks();
    if (!size.ok) return 'rawio: no size from the driver';
    const writes: RRef<BlockRequest>[] = [];
    for (let b = 0; b < n; b++) {
      const data = RRef.new(Block);
      data.withBytes((bytes) => {
        for (let i = 0; i < bytes.length; i++) bytes[i] = pattern(b, i);
      });
      writes.push(RRef.new(BlockRequest, { block: BigInt(b), tag: b, status: 0, write: true, data }));
    }
    for (const w of complete(nvme, writes)) {
      if (w.get('status') !== 0) return `rawio: write of block ${w.get('block')} failed (${w.get('status')})`;
      w.drop();
    }
    const f = nvme.flush();
    if (!f.ok) return `rawio: flush: ${f.error.message}`;
    const reads: RRef<BlockRequest>[] = [];
    for (let b = 0; b < n; b++) reads.push(RRef.new(BlockRequest, { block: BigInt(b), tag: b, status: 0, write: false, data: RRef.new(Block) }));
    let same = 0;
    for (const r of complete(nvme, reads)) {
      const b = Number(r.get('block'));
      let good = r.get('status') === 0;
      r.borrowField('data', (data) => {
        data?.withBytes((bytes) => {
          for (let i = 0; i < bytes.length && good; i++) good = bytes[i] === pattern(b, i);
        });
      });
      if (good) same++;
      r.drop();
    }
    return `nvme: ${size.value} blocks; wrote ${n}, read back ${same} intact`;
  }

  async function net(nic: Net, n: number): Promise<string> {
    const up = nic.linkUp();
    if (!up.ok) return `rawio: ${up.error.message}`;
    let packets = RRefDeque.new(PacketBuffer, 32);
    let collect = RRefDeque.new(PacketBuffer, 32);
    // Receive buffers first, so the frames that come back have somewhere to land.
    for (let i = 0; i < 32; i++) packets.pushBack(RRef.new(PacketBuffer));
    let r = nic.submitAndPoll(packets, collect, false);
    if (!r.ok) return `rawio: ${r.error.message}`;
    packets = r.value.packets;
    collect = r.value.collect;
    for (let i = 0; i < n; i++) {
      const p = RRef.new(PacketBuffer);
      p.set('len', FRAME);
      for (let b = 0; b < 6; b++) p.setAt('data', b, 0xff);
      p.setAt('data', 6, 0x02);
      p.setAt('data', 12, 0x88);
      p.setAt('data', 13, 0xb5); // the local experimental ethertype
      p.setAt('data', SEQ_AT, i);
      packets.pushBack(p);
    }
    let sent = 0, received = 0;
    const seen = new Set<number>();
    for (let polls = 0; (sent < n || received < n) && polls < POLLS; polls++) {
      r = packets.length > 0 ? nic.submitAndPoll(packets, collect, true) : nic.pollRx(packets, collect);
      if (!r.ok) return `rawio: ${r.error.message}`;
      packets = r.value.packets;
      collect = r.value.collect;
      // Sent buffers come back from submitAndPoll(tx); received ones from pollRx.
      const rx = packets.length === 0 && sent >= n;
      for (let p = collect.popFront(); p !== undefined; p = collect.popFront()) {
        if (rx || sent >= n) {
          if (p.get('len') >= FRAME && p.getAt('data', 12) === 0x88) {
            received++;
            seen.add(p.getAt('data', SEQ_AT));
          }
        } else sent++;
        p.drop();
      }
      if (polls % 1024 === 1023) await sys.yield();
    }
    packets.drop();
    collect.drop();
    return `net: sent ${sent}, received ${received} (${seen.size} distinct)`;
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const [, what = '', count = '8'] = argvOf(argv);
      const n = Number(count);
      if (!(Number.isInteger(n) && n >= 1 && n <= 32)) {
        await print(rv6, 2, 'usage: rawio blk|net <1..32>\n');
        return ok(1);
      }
      let line: string;
      if (what === 'blk') {
        const d = await rv6.nvme();
        if (!d.ok) return ok(1);
        line = await blk(d.value, n);
      } else if (what === 'net') {
        const d = await rv6.net();
        if (!d.ok) return ok(1);
        line = await net(d.value, n);
      } else line = 'usage: rawio blk|net <1..32>';
      await print(rv6, 1, `${line}\n`);
      return ok(line.startsWith('rawio') || line.startsWith('usage') ? 1 : 0);
    },
  };
}
