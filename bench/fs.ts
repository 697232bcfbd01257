// `npm run bench -- fs [--quick|--smoke]`: the rv6 file system over the real stack, fs -> bdev ->
// NVMe driver -> modeled controller on its own thread (threaded engine), with the driver as a
// domain (`fs-nvme`) and behind its shadow (`fs-nvme-shadow`): 4 KiB sequential and random
// writes and reads (MB/s), create+unlink of small files (ops/s), the null fs call (fstat, ns);
// and the raw 4 KiB sequential write rate of bdev over the driver (`bdev`), the yardstick of
// the fs's write path. Each configuration has its own device; samples go round-robin.
import { stubOfBDev } from '../runtime/idl/generated/bdev.ts';
import { stubOfFileSystem } from '../runtime/idl/generated/fs.ts';
import type { BDev } from '../runtime/idl/bdev.ts';
import { O_CREATE, O_RDWR, O_TRUNC, ROOT_CWD } from '../runtime/idl/fs.ts';
import type { FileSystem } from '../runtime/idl/fs.ts';
import { errnoName } from '../runtime/idl/errno.ts';
import { Block } from '../runtime/idl/layouts.ts';
import { RRef } from '../runtime/lib/index.ts';
import type { RpcResult } from '../runtime/lib/index.ts';
import type { Link } from '../runtime/kernel/gate.ts';
import { mkfs } from '../rv6/host/mkfs.ts';
import { BenchMachine } from './lib/machine.ts';
import { median, round } from './lib/measure.ts';
import { writeChart, writeResult } from './lib/results.ts';
import { barChart } from './lib/svg.ts';

const KIB4 = 4096;
/** Files of the read tests: together twice the fs's buffer cache (256 pages), so reads miss. */
const READ_FILES = 8;
/** Bytes of each such file (64 blocks of 4 KiB; xv6's limit is 268 KiB). */
const FILE_BYTES = 64 * KIB4;
/** The fs image: room for the read files, the written ones and the log. */
const FS_BLOCKS = 16 * 1024;

const FS_CONFIGS = ['fs-nvme', 'fs-nvme-shadow'] as const;
type FsConfig = (typeof FS_CONFIGS)[number];
const TESTS = [
  { test: 'seq-write-4k', unit: 'MB/s' },
  { test: 'seq-read-4k', unit: 'MB/s' },
  { test: 'rand-write-4k', unit: 'MB/s' },
  { test: 'rand-read-4k', unit: 'MB/s' },
  { test: 'create-unlink', unit: 'ops/s' },
  { test: 'null-call', unit: 'ns' },
] as const;
type Test = (typeof TESTS)[number]['test'];

export interface Row {
  config: string;
  test: string;
  value: number;
  unit: string;
}

function unwrap<T>(r: RpcResult<T>, what: string): T {
  if (!r.ok) throw new Error(`${what}: ${r.error.message}`);
  return r.value;
}
function checked<T extends { errno: number }>(r: RpcResult<T>, what: string): T {
  const v = unwrap(r, what);
  if (v.errno !== 0) throw new Error(`${what}: ${errnoName(v.errno)}`);
  return v;
}

/** Deterministic pseudo-random numbers (mulberry32), so each configuration sees the same offsets. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One mounted fs with its files and a buffer; each test runs for about `ms` and returns its figure. */
class FsUnderTest {
  #buf: RRef<Block> = RRef.new(Block);
  readonly #read: number[] = [];
  #seqFile = 0;
  #stat = 0;
  #rnd = prng(1);

  /** `files` files of `fileBytes` each for the read and random-write tests (a smoke run uses few). */
  constructor(readonly fs: FileSystem, private readonly files = READ_FILES, private readonly fileBytes = FILE_BYTES) {}

  async #write(ref: number, offset: number, n = KIB4): Promise<void> {
    const r = unwrap(await this.fs.write(ref, offset, n, this.#buf), 'write');
    this.#buf = r.data;
    if (r.errno !== 0 || r.n !== n) throw new Error(`write: ${r.n} of ${n} bytes, ${errnoName(r.errno)}`);
  }

  async #readAt(ref: number, offset: number): Promise<void> {
    const r = unwrap(await this.fs.read(ref, offset, KIB4, this.#buf), 'read');
    this.#buf = r.data;
    if (r.errno !== 0 || r.n !== KIB4) throw new Error(`read: ${r.n} bytes at ${offset}, ${errnoName(r.errno)}`);
  }

  async #open(path: string, flags: number): Promise<number> {
    return checked(await this.fs.open(ROOT_CWD, path, flags), `open ${path}`).ref;
  }

  async #close(ref: number): Promise<void> {
    const e = unwrap(await this.fs.close(ref), 'close');
    if (e !== 0) throw new Error(`close: ${errnoName(e)}`);
  }

  /** The read files, written once, and the reference the null call uses. */
  async setup(): Promise<void> {
    this.#buf.withBytes((b) => {
      for (let i = 0; i < b.length; i++) b[i] = (i * 7 + 3) & 0xff;
    });
    for (let f = 0; f < this.files; f++) {
      const ref = await this.#open(`/r${f}`, O_CREATE | O_RDWR);
      for (let off = 0; off < this.fileBytes; off += KIB4) await this.#write(ref, off);
      this.#read.push(ref);
    }
    this.#stat = this.#read[0]!;
  }

  /** Runs `step` until `ms` have passed; returns the count and the seconds taken. */
  async #timed(ms: number, step: (i: number) => Promise<void>): Promise<{ n: number; s: number }> {
    const t0 = performance.now();
    let n = 0;
    do await step(n++);
    while (performance.now() - t0 < ms);
    return { n, s: (performance.now() - t0) / 1000 };
  }

  async run(test: Test, ms: number): Promise<number> {
    const mbps = (r: { n: number; s: number }): number => (r.n * KIB4) / r.s / 1e6;
    switch (test) {
      case 'seq-write-4k': {
        // Appends to a file emptied before the timing starts, the next file when it is full.
        let ref = await this.#open(`/w${this.#seqFile++ % 4}`, O_CREATE | O_RDWR | O_TRUNC);
        let off = 0;
        const t0 = performance.now();
        let n = 0;
        let untimed = 0;
        do {
          if (off === this.fileBytes) {
            const u0 = performance.now();
            await this.#close(ref);
            ref = await this.#open(`/w${this.#seqFile++ % 4}`, O_CREATE | O_RDWR | O_TRUNC);
            off = 0;
            untimed += performance.now() - u0;
          }
          await this.#write(ref, off);
          off += KIB4;
          n++;
        } while (performance.now() - t0 - untimed < ms);
        const s = (performance.now() - t0 - untimed) / 1000;
        await this.#close(ref);
        return mbps({ n, s });
      }
      case 'seq-read-4k': {
        const blocks = this.fileBytes / KIB4;
        return mbps(await this.#timed(ms, (i) => this.#readAt(this.#read[Math.floor(i / blocks) % this.files]!, (i % blocks) * KIB4)));
      }
      case 'rand-write-4k':
        return mbps(await this.#timed(ms, () => this.#write(this.#read[Math.floor(this.#rnd() * this.files)]!, Math.floor(this.#rnd() * (this.fileBytes / KIB4)) * KIB4)));
      case 'rand-read-4k':
        return mbps(await this.#timed(ms, () => this.#readAt(this.#read[Math.floor(this.#rnd() * this.files)]!, Math.floor(this.#rnd() * (this.fileBytes / KIB4)) * KIB4)));
      case 'create-unlink': {
        // A small file: created, 100 bytes written, closed, unlinked.
        const r = await this.#timed(ms, async () => {
          const ref = await this.#open('/small', O_CREATE | O_RDWR);
          await this.#write(ref, 0, 100);
          await this.#close(ref);
          const e = unwrap(await this.fs.unlink(ROOT_CWD, '/small'), 'unlink');
          if (e !== 0) throw new Error(`unlink: ${errnoName(e)}`);
        });
        return r.n / r.s;
      }
      case 'null-call': {
        // fstat on an open reference: one crossing in and out, no disk, no log.
        const batch = 1000;
        const r = await this.#timed(ms, async () => {
          for (let i = 0; i < batch; i++) checked(await this.fs.fstat(this.#stat), 'fstat');
        });
        return (r.s * 1e9) / (r.n * batch);
      }
    }
  }
}

/** Raw bdev: 4 KiB writes to consecutive blocks, wrapping at the device's end. */
function rawSeqWrite(bdev: BDev, blocks: number, ms: number, buf: RRef<Block>, start: { next: number }): number {
  const t0 = performance.now();
  let n = 0;
  do {
    unwrap(bdev.write(BigInt(start.next), buf), 'bdev write');
    start.next = (start.next + 1) % blocks;
    n++;
  } while (performance.now() - t0 < ms);
  return (n * KIB4) / ((performance.now() - t0) / 1000) / 1e6;
}

export default async function main(args: string[]): Promise<void> {
  // --smoke: tiny counts, for the test suite (checks the benchmark runs, measures nothing).
  const smoke = args.includes('--smoke');
  const quick = smoke || args.includes('--quick');
  const ms = smoke ? 5 : quick ? 150 : 500;
  const samples = smoke ? 1 : quick ? 3 : 9;

  const m = new BenchMachine();
  const image = mkfs([], { size: FS_BLOCKS });
  const namespace = { memory: FS_BLOCKS * 1024 };
  const devices = {
    bdev: m.engine.addNvme({ namespaces: [namespace] }),
    'fs-nvme': m.engine.addNvme({ namespaces: [namespace] }),
    'fs-nvme-shadow': m.engine.addNvme({ namespaces: [namespace] }),
  };
  await m.engine.start();
  const bdevs = new Map<string, BDev>();
  const bdevLinks = new Map<string, Link>();
  let n = 0;
  for (const [config, dev] of Object.entries(devices)) {
    const name = `disk${n++}`;
    // The fresh image goes straight onto the media, before any driver sees the device.
    if (config !== 'bdev') dev.media().set(image);
    m.attach(name, 'nvme', dev);
    const driver = await m.driverLink('drivers/nvme', config === 'fs-nvme-shadow' ? 'drivers/nvme-shadow' : undefined, name);
    const b = m.kernel.load(await m.artifact('drivers/bdev'), { args: [driver.link] });
    bdevs.set(config, m.kernel.connect(b.exports[0]!, stubOfBDev));
    bdevLinks.set(config, b.exports[0]!);
  }
  const fss = new Map<FsConfig, FsUnderTest>();
  const fsArtifact = await m.artifact('rv6/fs');
  for (const config of FS_CONFIGS) {
    const d = m.kernel.load(fsArtifact, { args: [bdevLinks.get(config)!] });
    const fs = m.kernel.connect(d.exports[0]!, stubOfFileSystem);
    const u = smoke ? new FsUnderTest(fs, 2, 4 * KIB4) : new FsUnderTest(fs);
    await u.setup();
    fss.set(config, u);
  }

  const taken = new Map<string, number[]>();
  const take = (config: string, test: string, v: number): void => {
    const k = `${config}/${test}`;
    taken.set(k, [...(taken.get(k) ?? []), v]);
  };
  const raw = bdevs.get('bdev')!;
  const rawBlocks = Number(unwrap(raw.blocks(), 'blocks'));
  const rawBuf = RRef.new(Block);
  const rawAt = { next: 0 };
  // One untimed round first; then round-robin over configurations and tests, so each sees the same noise.
  for (let s = -1; s < samples; s++) {
    const v = rawSeqWrite(raw, rawBlocks, ms, rawBuf, rawAt);
    if (s >= 0) take('bdev', 'seq-write-4k', v);
    for (const t of TESTS) {
      for (const config of FS_CONFIGS) {
        const x = await fss.get(config)!.run(t.test, ms);
        if (s >= 0) take(config, t.test, x);
      }
    }
    process.stderr.write('.');
  }
  process.stderr.write('\n');
  rawBuf.drop();
  await m.shutdown();

  const rows: Row[] = [{ config: 'bdev', test: 'seq-write-4k', value: round(median(taken.get('bdev/seq-write-4k')!), 2), unit: 'MB/s' }];
  for (const t of TESTS) {
    for (const config of FS_CONFIGS) rows.push({ config, test: t.test, value: round(median(taken.get(`${config}/${t.test}`)!), t.unit === 'ns' ? 0 : 2), unit: t.unit });
  }
  const at = (config: string, test: string): number => rows.find((r) => r.config === config && r.test === test)!.value;
  const rawWrite = at('bdev', 'seq-write-4k');
  const ratios = {
    fs_seq_write_over_raw: round(at('fs-nvme', 'seq-write-4k') / rawWrite, 3),
    fs_shadow_seq_write_over_raw: round(at('fs-nvme-shadow', 'seq-write-4k') / rawWrite, 3),
    ...Object.fromEntries(TESTS.map((t) => [`shadow_over_domain_${t.test.replace(/-/g, '_')}`, round(at('fs-nvme-shadow', t.test) / at('fs-nvme', t.test), 3)])),
  };
  const targets = {
    fs_seq_write_over_raw: { target: 0.5, value: ratios.fs_seq_write_over_raw, met: ratios.fs_seq_write_over_raw >= 0.5 },
  };
  const file = await writeResult('fs', { ms_per_sample: ms, samples, fs_blocks: FS_BLOCKS, rows, ratios, targets });
  const chart = await writeChart('fs', barChart({
    title: 'rv6 fs over bdev over the NVMe driver: 4 KiB I/O (MB/s; device on its own thread)',
    unit: 'MB/s',
    groups: [
      ...TESTS.filter((t) => t.unit === 'MB/s').map((t) => ({ label: t.test, bars: FS_CONFIGS.map((c) => ({ label: c, value: at(c, t.test) })) })),
      { label: 'raw seq-write-4k', bars: [{ label: 'bdev', value: rawWrite }] },
    ],
  }));
  console.log(JSON.stringify({ rows, ratios, targets }, null, 1));
  console.log(`wrote ${file} and ${chart}`);
}
