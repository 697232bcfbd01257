// bench: the measuring side of `npm run bench -- rv6`. Each mode prints one line of numbers
// on fd 1 for the host to read:
//   bench nop                       exits at once (what spawn_ms spawns)
//   bench getpid <calls>            'getpid <calls> <ms>': the cheapest system call in a loop
//   bench spawn <times>             'spawn <ms> <ms> ...': spawn, exit and wait of 'bench nop'
//   bench pipe <bytes>              'pipe <bytes> <ms>': to a child reading the pipe as fd 0
//   bench sink                      reads fd 0 to its end (the pipe's other side)
//   bench blk read|write <depth> <ms>   'blk <done> <ms>': the block-app loop on Rv6.nvme
//   bench pkt tx|rx <batch> <ms>        'pkt <count> <ms>': the packet-app loop on Rv6.net
//   bench serve                     runs those commands read from fd 0, one a line, each
//                                   answered with its line: 'take <name>' starts a worker
//                                   process holding the interfaces Rv6.nvme and Rv6.net answer
//                                   now, then 'blk <name> read|write <depth> <ms>' and 'pkt
//                                   <name> tx|rx <batch> <ms>' run in that worker; end of input
//                                   ends them. Long-running processes, as the benchmark
//                                   applications are long-running domains.
//   bench worker                    a worker: commands without the name, on its fd 0 and 1
// The device loops are bench/domains/block-app and packet-app's, restated (a domain shares code
// only through the IDL): their calls go to the driver interface core handed out, not to core.
import { RRef, RRefDeque, ok } from '../../../runtime/lib/index.ts';
import type { Borrowed, RpcResult, Syscalls } from '../../../runtime/lib/index.ts';
import { Block, BlockRequest, PacketBuffer } from '../../../runtime/idl/layouts.ts';
import type { Net } from '../../../runtime/idl/net.ts';
import type { NvmeBDev } from '../../../runtime/idl/nvme.ts';
import { IO_MAX } from '../../../runtime/idl/rv6.ts';
import type { Program, Rv6 } from '../../../runtime/idl/rv6.ts';
import { Lines, argvOf, argvString, print } from '../../../runtime/idl/ulib.ts';

/** Loop iterations between clock reads (a clock read crosses into the kernel), as the apps. */
const BLOCK_CLOCK_EVERY = 64;
const PACKET_CLOCK_EVERY = 256;
const POOL = 1024;
const FRAME = 60;

export function create(sys: Syscalls, rv6: Rv6): Program {
  const say = async (line: string): Promise<number> => ((await print(rv6, 1, `${line}\n`)) < 0 ? 1 : 0);
  const fail = async (why: string): Promise<number> => {
    await print(rv6, 2, `bench: ${why}\n`);
    return 1;
  };

  async function getpid(calls: number): Promise<number> {
    const t0 = sys.now();
    for (let i = 0; i < calls; i++) {
      const r = await rv6.getpid();
      if (!r.ok) return fail('getpid failed');
    }
    return say(`getpid ${calls} ${sys.now() - t0}`);
  }

  async function spawn(times: number): Promise<number> {
    const taken: number[] = [];
    for (let i = 0; i < times; i++) {
      const t0 = sys.now();
      const pid = await rv6.spawn('bench', argvString(['bench', 'nop']), -1, -1, 2);
      if (!pid.ok || pid.value < 0) return fail(`spawn: ${pid.ok ? pid.value : 'failed'}`);
      const w = await rv6.wait(pid.value);
      if (!w.ok || w.value.errno !== 0 || w.value.status !== 0) return fail('wait failed');
      taken.push(sys.now() - t0);
    }
    return say(`spawn ${taken.join(' ')}`);
  }

  async function pipe(bytes: number): Promise<number> {
    const p = await rv6.pipe();
    if (!p.ok || p.value.errno !== 0) return fail('pipe failed');
    const { read, write } = p.value;
    const t0 = sys.now();
    const child = await rv6.spawn('bench', argvString(['bench', 'sink']), read, -1, 2);
    const closed = await rv6.close(read);
    if (!closed.ok || !child.ok || child.value < 0) return fail('cannot spawn the sink');
    let buf = RRef.new(Block);
    for (let sent = 0; sent < bytes;) {
      const r = await rv6.write(write, Math.min(IO_MAX, bytes - sent), buf);
      if (!r.ok) return fail('write failed');
      buf = r.value.data;
      if (r.value.errno !== 0) return fail(`write: errno ${r.value.errno}`);
      sent += r.value.n;
    }
    buf.drop();
    const done = await rv6.close(write);
    if (!done.ok) return fail('close failed');
    const w = await rv6.wait(child.value);
    if (!w.ok || w.value.status !== 0) return fail('the sink failed');
    return say(`pipe ${bytes} ${sys.now() - t0}`);
  }

  async function sink(): Promise<number> {
    let buf = RRef.new(Block);
    for (;;) {
      const r = await rv6.read(0, IO_MAX, buf);
      if (!r.ok) return 1;
      buf = r.value.data;
      if (r.value.errno !== 0) return 1;
      if (r.value.n === 0) break;
    }
    buf.drop();
    return 0;
  }

  function blk(nvme: NvmeBDev, write: boolean, depth: number, ms: number): number {
    const size = nvme.blocks();
    if (!size.ok) throw new Error(`bench: no size from the driver: ${size.error.message}`);
    const blocks = Number(size.value);
    let seed = 0x2545f491;
    const randomBlock = (): bigint => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return BigInt((seed >>> 0) % blocks);
    };
    let submit = RRefDeque.new(BlockRequest, 32);
    let collect = RRefDeque.new(BlockRequest, 32);
    for (let i = 0; i < depth; i++) {
      const req = RRef.new(BlockRequest, { block: randomBlock(), tag: i, status: 0, write, data: RRef.new(Block) });
      if (submit.pushBack(req) !== undefined) throw new Error('bench: submit deque full');
    }
    let done = 0;
    const end = sys.now() + ms;
    for (let calls = 0; ; calls++) {
      if (calls % BLOCK_CLOCK_EVERY === 0 && sys.now() >= end) break;
      const r = nvme.submitAndPoll(submit, collect);
      if (!r.ok) throw new Error(`bench: ${r.error.message}`);
      submit = r.value.submit;
      collect = r.value.collect;
      for (let req = collect.popFront(); req !== undefined; req = collect.popFront()) {
        if (req.get('status') !== 0) throw new Error(`bench: request failed with status ${req.get('status')}`);
        done++;
        req.set('block', randomBlock());
        if (submit.pushBack(req) !== undefined) throw new Error('bench: submit deque full');
      }
    }
    let inFlight = depth - submit.length;
    for (let polls = 0; inFlight > 0 && polls < 10_000_000; polls++) {
      const r = nvme.pollCompletions(collect);
      if (!r.ok) throw new Error(`bench: ${r.error.message}`);
      collect = r.value.collect;
      for (let req = collect.popFront(); req !== undefined; req = collect.popFront()) {
        inFlight--;
        req.drop();
      }
    }
    for (let req = submit.popFront(); req !== undefined; req = submit.popFront()) req.drop();
    submit.drop();
    collect.drop();
    return done;
  }

  /** The packet loop's buffers, made once (as the packet app makes them at create). */
  interface Packets {
    readonly pool: RRefDeque<PacketBuffer, 1024>;
    packets: RRefDeque<PacketBuffer, 32>;
    collect: RRefDeque<PacketBuffer, 32>;
  }

  function packetBuffers(): Packets {
    const pool = RRefDeque.new(PacketBuffer, POOL);
    for (let i = 0; i < 768; i++) {
      const p = RRef.new(PacketBuffer);
      p.set('len', FRAME);
      for (let b = 0; b < 6; b++) p.setAt('data', b, 0xff);
      p.setAt('data', 6, 0x02);
      p.setAt('data', 12, 0x08);
      if (pool.pushBack(p) !== undefined) throw new Error('bench: pool full');
    }
    return { pool, packets: RRefDeque.new(PacketBuffer, 32), collect: RRefDeque.new(PacketBuffer, 32) };
  }

  const move = (from: Borrowed<RRefDeque<PacketBuffer, number>>, to: Borrowed<RRefDeque<PacketBuffer, number>>, n: number): void => {
    for (let i = 0; i < n && !to.isFull; i++) {
      const p = from.popFront();
      if (p === undefined) return;
      if (p.get('len') !== FRAME) p.set('len', FRAME);
      if (to.pushBack(p) !== undefined) throw new Error('bench: a deque refused a buffer it had room for');
    }
  };

  /** The packet app's run: what came back in `ms` milliseconds. */
  function pkt(net: Net, b: Packets, tx: boolean, batch: number, ms: number): number {
    const pool = b.pool;
    move(b.collect, pool, b.collect.length);
    move(pool, b.collect, 32 - batch);
    let count = 0;
    const end = sys.now() + ms;
    for (let calls = 0; ; calls++) {
      if (calls % PACKET_CLOCK_EVERY === 0 && sys.now() >= end) break;
      if (b.packets.length < batch) move(pool, b.packets, batch - b.packets.length);
      const r = net.submitAndPoll(b.packets, b.collect, tx);
      if (!r.ok) throw new Error(`bench: ${r.error.message}`);
      b.packets = r.value.packets;
      b.collect = r.value.collect;
      count += r.value.count;
      const reuse = Math.min(r.value.count, batch - b.packets.length);
      move(b.collect, b.packets, reuse);
      move(b.collect, pool, r.value.count - reuse);
    }
    return count;
  }

  /** Drops the buffers (those still in the device's rings are the driver's until they come back). */
  function dropPackets(b: Packets): void {
    for (const d of [b.packets, b.collect, b.pool]) {
      for (let p = d.popFront(); p !== undefined; p = d.popFront()) p.drop();
      d.drop();
    }
  }

  /**
   * Relays commands from fd 0 to one worker process per configuration: a worker's code then
   * only ever calls one driver (or shadow), as a benchmark application's does.
   */
  async function serve(): Promise<number> {
    const workers = new Map<string, { pid: number; cmd: number; answers: Lines }>();
    const lines = new Lines(rv6, 0);
    let status = 0;
    const ask = async (w: { cmd: number; answers: Lines }, line: string): Promise<string | undefined> => {
      if ((await print(rv6, w.cmd, `${line}\n`)) < 0) return undefined;
      return w.answers.next();
    };
    for (let line = await lines.next(); line !== undefined && status === 0; line = await lines.next()) {
      const [cmd = '', name = '', ...rest] = line.split(' ');
      if (cmd === 'take') {
        const toWorker = await rv6.pipe();
        const fromWorker = await rv6.pipe();
        if (!toWorker.ok || toWorker.value.errno !== 0 || !fromWorker.ok || fromWorker.value.errno !== 0) return fail('pipe failed');
        const pid = await rv6.spawn('bench', argvString(['bench', 'worker']), toWorker.value.read, fromWorker.value.write, 2);
        const c1 = await rv6.close(toWorker.value.read);
        const c2 = await rv6.close(fromWorker.value.write);
        if (!pid.ok || pid.value < 0 || !c1.ok || !c2.ok) return fail('cannot spawn a worker');
        const w = { pid: pid.value, cmd: toWorker.value.write, answers: new Lines(rv6, fromWorker.value.read) };
        workers.set(name, w);
        const took = await w.answers.next();
        status = took === 'took' ? await say(`took ${name}`) : await fail(`worker ${name}: ${took ?? 'ended'}`);
        continue;
      }
      const w = workers.get(name);
      if (w === undefined) return fail(`no worker ${name}`);
      const answer = await ask(w, [cmd, ...rest].join(' '));
      status = answer === undefined ? await fail(`worker ${name} ended`) : await say(answer);
    }
    for (const w of workers.values()) {
      const c = await rv6.close(w.cmd);
      const r = await rv6.wait(w.pid);
      if (!c.ok || !r.ok || r.value.status !== 0) status = 1;
    }
    return status;
  }

  /** One configuration's device loops: takes the interfaces core hands out now, then runs commands. */
  async function worker(): Promise<number> {
    const nvme = await rv6.nvme();
    const net = await rv6.net();
    if (!nvme.ok || !net.ok) return fail('no raw devices');
    let buffers: Packets | undefined;
    let status = await say('took');
    const lines = new Lines(rv6, 0);
    for (let line = await lines.next(); line !== undefined && status === 0; line = await lines.next()) {
      const [cmd = '', op = '', n = '', ms = ''] = line.split(' ');
      if (cmd === 'blk') {
        const t0 = sys.now();
        const done = blk(nvme.value, op === 'write', Number(n), Number(ms));
        status = await say(`blk ${done} ${sys.now() - t0}`);
      } else if (cmd === 'pkt') {
        buffers ??= packetBuffers();
        const t0 = sys.now();
        const count = pkt(net.value, buffers, op === 'tx', Number(n), Number(ms));
        status = await say(`pkt ${count} ${sys.now() - t0}`);
      } else status = await fail(`unknown command ${cmd}`);
    }
    if (buffers !== undefined) dropPackets(buffers);
    return status;
  }

  return {
    async main(argv: string): Promise<RpcResult<number>> {
      const [, mode = '', a = '', b = '', c = ''] = argvOf(argv);
      switch (mode) {
        case 'nop':
          return ok(0);
        case 'getpid':
          return ok(await getpid(Number(a)));
        case 'spawn':
          return ok(await spawn(Number(a)));
        case 'pipe':
          return ok(await pipe(Number(a)));
        case 'sink':
          return ok(await sink());
        case 'serve':
          return ok(await serve());
        case 'worker':
          return ok(await worker());
        case 'blk': {
          const depth = Number(b), ms = Number(c);
          if (!(depth >= 1 && depth <= 32)) return ok(await fail('depth must be 1..32'));
          const nvme = await rv6.nvme();
          if (!nvme.ok) return ok(await fail('no NVMe interface'));
          const t0 = sys.now();
          const done = blk(nvme.value, a === 'write', depth, ms);
          return ok(await say(`blk ${done} ${sys.now() - t0}`));
        }
        case 'pkt': {
          const batch = Number(b), ms = Number(c);
          if (!(batch >= 1 && batch <= 32)) return ok(await fail('batch must be 1..32'));
          const net = await rv6.net();
          if (!net.ok) return ok(await fail('no network interface'));
          const buffers = packetBuffers();
          const t0 = sys.now();
          const count = pkt(net.value, buffers, a === 'tx', batch, ms);
          const took = sys.now() - t0;
          dropPackets(buffers);
          return ok(await say(`pkt ${count} ${took}`));
        }
        default:
          return ok(await fail('usage: bench nop | getpid N | spawn N | pipe BYTES | sink | blk read|write DEPTH MS | pkt tx|rx BATCH MS | serve'));
      }
    },
  };
}
