// `npm run bench -- heap`: the shared heap's costs, each beside its raw baseline in the same run.
//
//   alloc_free_ns    RRef.newUninit + drop of a 2 KB packet buffer, through the library and heap
//                    port (the per-packet path; detail.alloc_free_zeroed_ns is RRef.new, zeroed)
//   move_ns          one ownership move of a root between two domains (the kernel's registry work)
//   handle_read_ns   one field read through an RRef handle (generation check + typed load)
//   raw_read_ns      the same read from a raw typed array over the same memory
//   handle_write_ns  / raw_write_ns: the same for writes (handles also range-check the value)
import { SharedHeap } from '../runtime/heap/index.ts';
import { RRef, array, struct, u16, u32, u8 } from '../runtime/lib/index.ts';
import { attach, detach, enterDomain, portFor, viewsOf, identify, rrefKind } from '../runtime/lib/internal.ts';
import { measure, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { barChart } from './lib/svg.ts';

const Buf = array(u8, 2048);
const Header = struct({ len: u16, proto: u16, seq: u32, data: array(u8, 56) });

export default async function main(args: string[]): Promise<void> {
  const quick = args.includes('--quick');
  // --smoke: a few iterations only, to prove the benchmark runs (the test suite uses it).
  const smoke = args.includes('--smoke');
  const samples = smoke ? 3 : quick ? 7 : 31;
  const scale = smoke ? 1 / 1000 : 1;
  const ops = (n: number): number => Math.max(10, Math.round(n * scale));
  const heap = new SharedHeap({ size: 64 * 1024 * 1024 });
  const d1 = viewsOf(portFor(heap, 1));
  const d2 = viewsOf(portFor(heap, 2));
  enterDomain(d1);

  // Allocate + free of a 2 KB buffer, through the domain's library (what a driver does per packet).
  const allocFree = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const b = RRef.newUninit(Buf);
      s += b.byteLength;
      b.drop();
    }
    return s;
  }, { ops: ops(500_000), samples });
  // The same with zeroing (RRef.new): zeroing 2 KB of shared memory dominates.
  const allocFreeZeroed = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const b = RRef.new(Buf);
      s += b.byteLength;
      b.drop();
    }
    return s;
  }, { ops: ops(100_000), samples });
  // The same at the kernel's heap interface, without a handle: the allocator and registry alone.
  heap.registerType({ typeId: Buf.typeId, canonical: Buf.canonical, refOffsets: [] });
  const kernelAllocFree = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) {
      const slot = heap.alloc(1, Buf.typeId, 2048, false);
      s += slot;
      heap.free(1, slot, heap.registry.gen[slot]!);
    }
    return s;
  }, { ops: ops(200_000), samples });

  // Ownership move of one root back and forth between two domains.
  const moving = RRef.new(Header);
  const { slot } = identify(moving);
  let gen = heap.registry.gen[slot]!;
  const move = measure((n) => {
    let from = 1, to = 2;
    for (let i = 0; i < n; i++) {
      gen = heap.move(slot, gen, from, to);
      const t = from; from = to; to = t;
    }
    if (from !== 1) { gen = heap.move(slot, gen, from, 1); }
    return gen;
  }, { ops: ops(1_000_000), samples });
  // A move as the proxy performs it: revoke the sender's handle, move, mint the receiver's.
  let traveller = attach<RRef<{ readonly len: number }>>(d1, rrefKind(Header), slot);
  const handleMove = measure((n) => {
    let from = 1, to = 2;
    for (let i = 0; i < n; i++) {
      const f = from, t = to;
      const moved = detach(traveller, (s, g) => heap.move(s, g, f, t));
      traveller = attach(t === 1 ? d1 : d2, moved.kind, moved.slot);
      from = t; to = f;
    }
    return traveller.isValid;
  }, { ops: ops(500_000), samples });

  // Field reads and writes: a handle against a raw Uint16Array over the same bytes.
  enterDomain(d1);
  const pkt = RRef.new(Header, { len: 64, seq: 1 });
  const raw = new Uint16Array(heap.buffer);
  const rawIndex = heap.registry.offset[identify(pkt).slot]! >>> 1;
  const READS = ops(10_000_000);
  const handleRead = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += pkt.get('len');
    return s;
  }, { ops: READS, samples });
  const rawRead = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += raw[rawIndex]!;
    return s;
  }, { ops: READS, samples });
  const handleWrite = measure((n) => {
    for (let i = 0; i < n; i++) pkt.set('len', i & 0xffff);
    return pkt.get('len');
  }, { ops: READS, samples });
  // The same reads through a raw view scoped to one callback (the bulk path).
  const scopedRead = measure((n) => {
    let s = 0;
    pkt.withBytes((bytes) => {
      for (let i = 0; i < n; i++) s = (s + bytes[i & 7]!) | 0;
    });
    return s;
  }, { ops: READS, samples });
  const rawByteRead = measure((n) => {
    let s = 0;
    const base = rawIndex * 2;
    const bytes = new Uint8Array(heap.buffer);
    for (let i = 0; i < n; i++) s = (s + bytes[base + (i & 7)]!) | 0;
    return s;
  }, { ops: READS, samples });
  const rawWrite = measure((n) => {
    for (let i = 0; i < n; i++) raw[rawIndex] = i & 0xffff;
    return raw[rawIndex];
  }, { ops: READS, samples });
  // Byte-level access as a packet parser uses it (big-endian header fields).
  const handleReadBE = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += pkt.readU16BE(8);
    return s;
  }, { ops: READS, samples });
  const rawView = new DataView(heap.buffer);
  const rawOff = rawIndex * 2 + 8;
  const rawReadBE = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s += rawView.getUint16(rawOff, false);
    return s;
  }, { ops: READS, samples });

  // The same read as a packet loop does it: one header field from each of 1,024 buffers.
  enterDomain(d1);
  const packets = Array.from({ length: 1024 }, (_, i) => RRef.new(Header, { len: i }));
  const packetIndex = Uint32Array.from(packets, (p) => heap.registry.offset[identify(p).slot]! >>> 1);
  const sweepHandle = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s = (s + packets[i & 1023]!.get('len')) | 0;
    return s;
  }, { ops: READS, samples });
  const sweepRaw = measure((n) => {
    let s = 0;
    for (let i = 0; i < n; i++) s = (s + raw[packetIndex[i & 1023]!]!) | 0;
    return s;
  }, { ops: READS, samples });
  for (const p of packets) p.drop();

  // Reclaim of a domain holding 10,000 buffers among 50,000 live objects of others (the scan
  // covers every slot ever used, so the others count).
  enterDomain(d2);
  const bystanders = Array.from({ length: ops(40_000) }, () => RRef.newUninit(Header));
  const reclaimMs: number[] = [];
  for (let round = 0; round < (smoke ? 2 : 15); round++) {
    const d3 = viewsOf(portFor(heap, 3));
    enterDomain(d3);
    for (let i = 0; i < ops(10_000); i++) RRef.newUninit(Buf);
    const start = process.hrtime.bigint();
    heap.reclaim(3);
    reclaimMs.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  for (const b of bystanders) b.drop();
  reclaimMs.sort((a, b) => a - b);

  const result = {
    alloc_free_ns: round(allocFree.median_ns),
    move_ns: round(move.median_ns),
    handle_read_ns: round(handleRead.median_ns, 3),
    raw_read_ns: round(rawRead.median_ns, 3),
    handle_write_ns: round(handleWrite.median_ns, 3),
    raw_write_ns: round(rawWrite.median_ns, 3),
    detail: {
      scoped_view_read_ns: round(scopedRead.median_ns, 3),
      raw_byte_read_ns: round(rawByteRead.median_ns, 3),
      sweep_handle_read_ns: round(sweepHandle.median_ns, 3),
      sweep_raw_read_ns: round(sweepRaw.median_ns, 3),
      sweep_read_ratio: round(sweepHandle.median_ns / sweepRaw.median_ns),
      reclaim_10k_ms: round(reclaimMs[reclaimMs.length >> 1]!, 3),
      alloc_free_zeroed_ns: round(allocFreeZeroed.median_ns),
      kernel_alloc_free_ns: round(kernelAllocFree.median_ns),
      handle_move_ns: round(handleMove.median_ns),
      handle_read_be_ns: round(handleReadBE.median_ns, 3),
      raw_dataview_read_be_ns: round(rawReadBE.median_ns, 3),
      read_ratio: round(handleRead.median_ns / rawRead.median_ns),
      write_ratio: round(handleWrite.median_ns / rawWrite.median_ns),
      read_be_ratio: round(handleReadBE.median_ns / rawReadBE.median_ns),
      samples,
    },
    targets: { handle_vs_raw_max_ratio: 2, alloc_free_ns_max: 100, move_ns_max: 20 },
  };
  console.table({
    'alloc+free 2 KB (library)': { ns: result.alloc_free_ns, target: '<= 100' },
    'alloc+free 2 KB (kernel)': { ns: result.detail.kernel_alloc_free_ns, target: '' },
    'alloc+free 2 KB zeroed (library)': { ns: result.detail.alloc_free_zeroed_ns, target: '' },
    'move (registry)': { ns: result.move_ns, target: '<= 20' },
    'reclaim 10k objects (ms)': { ns: result.detail.reclaim_10k_ms, target: '' },
    'move (revoke + move + mint)': { ns: result.detail.handle_move_ns, target: '' },
    'field read: handle / raw': { ns: `${result.handle_read_ns} / ${result.raw_read_ns}`, target: `ratio ${result.detail.read_ratio} <= 2` },
    'field write: handle / raw': { ns: `${result.handle_write_ns} / ${result.raw_write_ns}`, target: `ratio ${result.detail.write_ratio} <= 2` },
    'byte read in withBytes / raw': { ns: `${result.detail.scoped_view_read_ns} / ${result.detail.raw_byte_read_ns}`, target: '' },
    'read over 1,024 packets: handle / raw': { ns: `${result.detail.sweep_handle_read_ns} / ${result.detail.sweep_raw_read_ns}`, target: `ratio ${result.detail.sweep_read_ratio}` },
    'u16 BE read: handle / DataView': { ns: `${result.detail.handle_read_be_ns} / ${result.detail.raw_dataview_read_be_ns}`, target: `ratio ${result.detail.read_be_ratio}` },
  });
  console.log(`wrote ${await writeResult('heap', result)}`);
  const svg = barChart({
    title: 'Shared heap: handle costs beside raw access (median ns per operation)',
    unit: 'ns per operation',
    log: true,
    groups: [
      { label: 'alloc+free 2 KB', bars: [{ label: 'library', value: result.alloc_free_ns }, { label: 'kernel', value: result.detail.kernel_alloc_free_ns }, { label: 'library, zeroed', value: result.detail.alloc_free_zeroed_ns }] },
      { label: 'ownership move', bars: [{ label: 'kernel', value: result.move_ns }, { label: 'library', value: result.detail.handle_move_ns }] },
      { label: 'field read', bars: [{ label: 'library', value: result.handle_read_ns }, { label: 'raw', value: result.raw_read_ns }] },
      { label: 'field write', bars: [{ label: 'library', value: result.handle_write_ns }, { label: 'raw', value: result.raw_write_ns }] },
      { label: 'read, 1,024 packets', bars: [{ label: 'library', value: result.detail.sweep_handle_read_ns }, { label: 'raw', value: result.detail.sweep_raw_read_ns }] },
      { label: 'u16 BE read', bars: [{ label: 'library', value: result.detail.handle_read_be_ns }, { label: 'raw', value: result.detail.raw_dataview_read_be_ns }] },
    ],
  });
  console.log(`wrote ${await writeChart('heap', svg)}`);
}
