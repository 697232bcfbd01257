// Power cuts under the real stack: fs -> bdev -> NVMe driver -> modeled controller (inline
// engine, 512-byte LBAs). A seeded run makes random file-system calls, checked one by one
// against a model of the tree; the driver is loaded with the fault plan `requests:N`, so it dies
// after its N-th request and the fs sees its disk fail mid-call. Then the controller loses power
// (its volatile cache discarded, or a seeded random part of it kept), a new driver, bdev and fs
// are loaded on the same device (log recovery at mount), fsck checks the media and the mounted
// tree must be the model's state after some prefix of the calls holding every call that
// returned. Shared by tests/rv6/fs/powercut.test.ts and the soak runner (no vitest here).
import { stubOfFileSystem } from '../../../runtime/idl/generated/fs.ts';
import { stubOfNvmeBDev } from '../../../runtime/idl/generated/nvme.ts';
import { DmaPageFilter, filteredDma } from '../../../drivers/hw/dma.ts';
import type { NvmeHandle } from '../../../drivers/hw/engine/engine.ts';
import { InlineEngine } from '../../../drivers/hw/engine/inline.ts';
import type { PowerCutMode } from '../../../drivers/hw/nvme/namespace.ts';
import { PCI_COMMAND, PCI_COMMAND_MASTER, PCI_COMMAND_MEMORY } from '../../../drivers/hw/pci.ts';
import { EEXIST, EIO, ENOENT, ENOTEMPTY, errnoName } from '../../../runtime/idl/errno.ts';
import { T_DIR, T_FILE } from '../../../runtime/idl/fs.ts';
import type { FileSystem } from '../../../runtime/idl/fs.ts';
import { Block } from '../../../runtime/idl/layouts.ts';
import type { Link } from '../../../runtime/kernel/gate.ts';
import type { Kernel } from '../../../runtime/kernel/kernel.ts';
import { RRef } from '../../../runtime/lib/index.ts';
import type { RpcResult } from '../../../runtime/lib/index.ts';
import type { Artifact } from '../../../signer/artifact.ts';
import { fsck, NOTE_KINDS } from '../../../rv6/host/fsck.ts';
import { mkfs } from '../../../rv6/host/mkfs.ts';
import { driverArtifact } from '../../drivers/support.ts';
import { testKernel } from '../../kernel/support.ts';
import { O_CREATE, O_RDONLY, O_RDWR, O_TRUNC, ROOT_CWD, domains, pattern, sha256 } from './support.ts';

const PAGE = 4096;
/** xv6's filewrite splits a write into operations of at most 3 KiB: one call of this size is one operation. */
export const CHUNK = 3072;
/** Files stay small, so a cut finds many operations in a short run. */
const MAX_FILE = 24 * 1024;

/** Small, fast, reproducible (mulberry32). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---- the model ----------------------------------------------------------------------------

interface MFile { readonly id: number; data: Uint8Array; nlink: number }
type MNode = { kind: 'dir'; entries: Map<string, MNode> } | { kind: 'file'; file: MFile };

/** The tree as the calls that ran so far should have left it. Names f* are files, d* directories. */
class Model {
  readonly root: MNode = { kind: 'dir', entries: new Map() };
  #nextId = 1;

  /** The directory holding `path`'s last name, or undefined when a component is missing. */
  parent(path: string): Map<string, MNode> | undefined {
    const parts = path.split('/').filter((p) => p !== '');
    let node: MNode = this.root;
    for (const p of parts.slice(0, -1)) {
      if (node.kind !== 'dir') return undefined;
      const next = node.entries.get(p);
      if (next === undefined) return undefined;
      node = next;
    }
    return node.kind === 'dir' ? node.entries : undefined;
  }

  get(path: string): MNode | undefined {
    return this.parent(path)?.get(leaf(path));
  }

  newFile(): MFile {
    return { id: this.#nextId++, data: new Uint8Array(0), nlink: 1 };
  }

  /** Canonical text of the tree: each path, its kind, and for files the first path of its inode, links and content. */
  key(): string {
    const rows: [string, string, number | undefined, string][] = [];
    const walk = (entries: Map<string, MNode>, dir: string): void => {
      for (const [name, n] of entries) {
        const path = `${dir}/${name}`;
        if (n.kind === 'dir') {
          rows.push([path, 'dir', undefined, '']);
          walk(n.entries, path);
        } else {
          rows.push([path, 'file', n.file.id, `${n.file.nlink} ${sha256(n.file.data)}`]);
        }
      }
    };
    if (this.root.kind === 'dir') walk(this.root.entries, '');
    return canonical(rows);
  }
}

const leaf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** Rows of (path, kind, inode identity, detail) as one string; an inode is named by its first path. */
function canonical(rows: [string, string, number | undefined, string][]): string {
  rows.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const first = new Map<number, string>();
  for (const [path, , id] of rows) if (id !== undefined && !first.has(id)) first.set(id, path);
  return rows.map(([path, kind, id, detail]) => (id === undefined ? `${path} ${kind}` : `${path} ${kind} ${first.get(id)!} ${detail}`)).join('\n');
}

/** The tree a mounted fs holds, in the model's terms. */
export async function treeKey(fs: FileSystem): Promise<string> {
  const rows: [string, string, number | undefined, string][] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const [name] of decodeDir(await readPath(fs, dir === '' ? '/' : dir))) {
      if (name === '.' || name === '..') continue;
      const path = `${dir}/${name}`;
      const ref = must(await fs.open(ROOT_CWD, path, O_RDONLY), `open ${path}`).ref;
      const st = must(await fs.fstat(ref), `fstat ${path}`);
      if (st.type === T_DIR) {
        rows.push([path, 'dir', undefined, '']);
        unwrapErrno(await fs.close(ref), 'close');
        await walk(path);
      } else if (st.type === T_FILE) {
        const data = await readRef(fs, ref);
        unwrapErrno(await fs.close(ref), 'close');
        rows.push([path, 'file', st.inum, `${st.nlink} ${sha256(data)}`]);
      } else {
        unwrapErrno(await fs.close(ref), 'close');
        rows.push([path, `type ${st.type}`, undefined, '']);
      }
    }
  };
  await walk('');
  return canonical(rows);
}

function unwrap<T>(r: RpcResult<T>, what: string): T {
  if (!r.ok) throw new Error(`${what}: the call failed: ${r.error.message}`);
  return r.value;
}
function must<T extends { errno: number }>(r: RpcResult<T>, what: string): T {
  const v = unwrap(r, what);
  if (v.errno !== 0) throw new Error(`${what}: ${errnoName(v.errno)}`);
  return v;
}
function unwrapErrno(r: RpcResult<number>, what: string): void {
  const e = unwrap(r, what);
  if (e !== 0) throw new Error(`${what}: ${errnoName(e)}`);
}

async function readRef(fs: FileSystem, ref: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let buf = RRef.new(Block);
  try {
    for (let off = 0; ; ) {
      const r = unwrap(await fs.read(ref, off, PAGE, buf), 'read');
      buf = r.data;
      if (r.errno !== 0) throw new Error(`read: ${errnoName(r.errno)}`);
      if (r.n === 0) break;
      const n = r.n;
      parts.push(buf.withBytes((b) => b.slice(0, n)));
      off += n;
    }
  } finally {
    buf.drop();
  }
  return Buffer.concat(parts);
}

async function readPath(fs: FileSystem, path: string): Promise<Uint8Array> {
  const ref = must(await fs.open(ROOT_CWD, path, O_RDONLY), `open ${path}`).ref;
  try {
    return await readRef(fs, ref);
  } finally {
    unwrapErrno(await fs.close(ref), 'close');
  }
}

function decodeDir(raw: Uint8Array): string[][] {
  const out: string[][] = [];
  for (let off = 0; off + 16 <= raw.length; off += 16) {
    if ((raw[off]! | (raw[off + 1]! << 8)) === 0) continue;
    const name = raw.subarray(off + 2, off + 16);
    const end = name.indexOf(0);
    out.push([Buffer.from(end < 0 ? name : name.subarray(0, end)).toString('utf8')]);
  }
  return out;
}

// ---- the workload -------------------------------------------------------------------------

const FILES = ['/f0', '/f1', '/f2', '/f3', '/d0/f0', '/d0/f1', '/d1/f0', '/d0/d2/f0'];
const DIRS = ['/d0', '/d1', '/d0/d2'];

/** What a call answered: an errno, or that the fs domain could not be reached. */
type Answer = { errno: number } | { failed: string };

/**
 * One call, the errno the model expects of it, and its effect on the model when it succeeds; or
 * (`then`) the steps that follow a call, made once it ran (they need its reference).
 */
type Step =
  | { readonly what: string; readonly expect: number; readonly call: () => Promise<Answer>; readonly apply?: () => void }
  | { readonly then: () => Step[] };

const errnoOf = async (p: Promise<RpcResult<number>>): Promise<Answer> => {
  const r = await p;
  return r.ok ? { errno: r.value } : { failed: r.error.message };
};

/** Generates the next calls from the model's state; each returned step is run before the next is asked for. */
class Workload {
  readonly #held: { ref: number; file: MFile }[] = [];
  #buf: RRef<Block> | undefined = RRef.new(Block);

  constructor(private readonly fs: FileSystem, private readonly model: Model, private readonly rnd: () => number) {}

  #pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }

  /** Mostly a path for which `useful` holds (so most calls do something), sometimes any. */
  #path(xs: readonly string[], useful: (path: string) => boolean): string {
    const good = xs.filter(useful);
    return good.length > 0 && this.rnd() < 0.85 ? this.#pick(good) : this.#pick(xs);
  }

  #size(): number {
    const r = this.rnd();
    if (r < 0.5) return 1 + Math.floor(this.rnd() * 1024);
    if (r < 0.85) return 1 + Math.floor(this.rnd() * 6000);
    return 1 + Math.floor(this.rnd() * 16000);
  }

  /** The steps of one random operation (an open, its writes, its close, or a single call). */
  next(opSeed: number): Step[] {
    const m = this.model;
    const fs = this.fs;
    const r = this.rnd();
    const isFile = (p: string): boolean => m.get(p)?.kind === 'file';
    const canMake = (p: string): boolean => m.parent(p) !== undefined && m.get(p) === undefined;
    if (r < 0.12) {
      const path = this.#path(DIRS, canMake);
      const exists = m.get(path) !== undefined;
      const parent = m.parent(path);
      return [{
        what: `mkdir ${path}`,
        expect: parent === undefined ? ENOENT : exists ? EEXIST : 0,
        call: () => errnoOf(fs.mkdir(ROOT_CWD, path)),
        apply: () => void m.parent(path)!.set(leaf(path), { kind: 'dir', entries: new Map() }),
      }];
    }
    if (r < 0.26) {
      const path = this.rnd() < 0.8 ? this.#path(FILES, isFile) : this.#path(DIRS, (p) => m.get(p) !== undefined);
      const node = m.get(path);
      const expect = node === undefined ? ENOENT : node.kind === 'dir' && node.entries.size > 0 ? ENOTEMPTY : 0;
      return [{
        what: `unlink ${path}`,
        expect,
        call: () => errnoOf(fs.unlink(ROOT_CWD, path)),
        apply: () => {
          const n = m.get(path)!;
          if (n.kind === 'file') n.file.nlink--;
          m.parent(path)!.delete(leaf(path));
        },
      }];
    }
    if (r < 0.4) {
      const from = this.#path(FILES, isFile);
      const to = this.#path(FILES, canMake);
      const src = m.get(from);
      const expect = src === undefined || m.parent(to) === undefined ? ENOENT : m.get(to) !== undefined ? EEXIST : 0;
      return [{
        what: `link ${from} ${to}`,
        expect,
        call: () => errnoOf(fs.link(ROOT_CWD, from, to)),
        apply: () => {
          const n = m.get(from)!;
          if (n.kind !== 'file') throw new Error('model: linking a directory');
          n.file.nlink++;
          m.parent(to)!.set(leaf(to), n);
        },
      }];
    }
    if (r < 0.47 && this.#held.length > 0) {
      // Writes through a reference kept open, whose file may have lost every name since.
      const h = this.#pick(this.#held);
      return this.#writes(h.ref, h.file, opSeed);
    }
    const kind = r < 0.62 ? 'create' : r < 0.72 ? 'trunc' : r < 0.76 ? 'hold' : 'write';
    const path = kind === 'create' ? this.#path(FILES, canMake) : this.#path(FILES, isFile);
    const node = m.get(path);
    const parentOk = m.parent(path) !== undefined;
    const flags = kind === 'create' ? O_CREATE | O_RDWR : kind === 'trunc' ? O_CREATE | O_RDWR | O_TRUNC : O_RDWR;
    const creates = kind === 'create' || kind === 'trunc';
    const expect = !parentOk ? ENOENT : node === undefined && !creates ? ENOENT : 0;
    let ref = 0;
    let file: MFile | undefined;
    const steps: Step[] = [{
      what: `open ${path} ${kind}`,
      expect,
      call: async () => {
        const o = await fs.open(ROOT_CWD, path, flags);
        if (!o.ok) return { failed: o.error.message };
        ref = o.value.ref;
        return { errno: o.value.errno };
      },
      apply: () => {
        let n = m.get(path);
        if (n === undefined) {
          n = { kind: 'file', file: m.newFile() };
          m.parent(path)!.set(leaf(path), n);
        }
        if (n.kind !== 'file') throw new Error('model: opening a directory');
        file = n.file;
        if (kind === 'trunc') file.data = new Uint8Array(0);
      },
    }];
    if (expect !== 0) return steps;
    // The rest is made once the open ran (its reference and the model's file are known then).
    steps.push({
      then: () => {
        if (kind === 'hold') {
          this.#held.push({ ref, file: file! });
          return [];
        }
        const more = kind === 'write' || (kind === 'create' && this.rnd() < 0.5) ? this.#writes(ref, file!, opSeed) : [];
        return [...more, { what: `close ${path}`, expect: 0, call: () => errnoOf(fs.close(ref)) }];
      },
    });
    return steps;
  }

  /** A write of a random size at a random offset (no holes), as calls of at most CHUNK bytes. */
  #writes(ref: number, file: MFile, seed: number): Step[] {
    const off = Math.floor(this.rnd() * (file.data.length + 1));
    const len = Math.min(this.#size(), MAX_FILE - off);
    if (len <= 0) return [];
    const bytes = pattern(len, seed);
    const steps: Step[] = [];
    for (let at = 0; at < len; at += CHUNK) {
      const n = Math.min(CHUNK, len - at);
      const chunk = bytes.subarray(at, at + n);
      const where = off + at;
      steps.push({
        what: `write ${n} at ${where}`,
        expect: 0,
        call: async () => {
          const buf = this.#buf ?? RRef.new(Block);
          this.#buf = undefined;
          buf.withBytes((b) => b.set(chunk));
          const r = await this.fs.write(ref, where, n, buf);
          if (!r.ok) return { failed: r.error.message };
          this.#buf = r.value.data;
          if (r.value.errno === 0 && r.value.n !== n) return { errno: -r.value.n };
          return { errno: r.value.errno };
        },
        apply: () => {
          const end = Math.max(file.data.length, where + n);
          const d = new Uint8Array(end);
          d.set(file.data);
          d.set(chunk, where);
          file.data = d;
        },
      });
    }
    return steps;
  }

  dispose(): void {
    this.#buf?.drop();
    this.#buf = undefined;
  }
}

// ---- the rig ------------------------------------------------------------------------------

export interface CutResult {
  readonly seed: number;
  /** The driver's fault plan: it died after this many requests (reads and writes). */
  readonly requests: number;
  /** Requests the same workload makes when nothing fails (the mount's included). */
  readonly total: number;
  readonly mode: string;
  /** Calls made (each one log operation at most), and how many of them returned. */
  readonly calls: number;
  readonly returned: number;
  /** Whether the cut struck before the workload ended. */
  readonly struck: boolean;
  /** Calls that returned but whose effect is missing after recovery (0 when consistent). */
  readonly lost: number;
  /** What is wrong: fsck findings, a tree matching no allowed state, an unexpected errno. Empty when the cut passed. */
  readonly failures: string[];
  /** The calls made, for a failure report. */
  readonly trace: string[];
}

export interface RigOptions {
  /** Blocks of the fs image (1 KiB each). */
  readonly fsBlocks?: number;
  /** Operations of a workload (each one or more calls). */
  readonly ops?: number;
  /** Console lines of the domains go here (default: dropped). */
  readonly console?: (line: string) => void;
  /** Another build of the fs domain (signed with the test key), e.g. one with a bug planted. */
  readonly fs?: Artifact;
}

/** What a workload did: the model's state after each call that returned (and the one in flight, last). */
interface Run {
  calls: number;
  returned: number;
  struck: boolean;
  states: string[];
  trace: string[];
  failures: string[];
}

/** One kernel and one modeled controller, reused by every cut: the media is rewritten between cuts. */
export class PowerCutRig {
  readonly #kernel: Kernel;
  readonly #engine: InlineEngine;
  readonly #ctrl: NvmeHandle;
  readonly #artifacts: { nvme: Artifact; bdev: Artifact; fs: Artifact };
  readonly #image: Uint8Array;
  readonly #ops: number;
  #live: number[] = [];

  private constructor(kernel: Kernel, engine: InlineEngine, ctrl: NvmeHandle, artifacts: { nvme: Artifact; bdev: Artifact; fs: Artifact }, image: Uint8Array, ops: number) {
    this.#kernel = kernel;
    this.#engine = engine;
    this.#ctrl = ctrl;
    this.#artifacts = artifacts;
    this.#image = image;
    this.#ops = ops;
  }

  static async create(options: RigOptions = {}): Promise<PowerCutRig> {
    const [nvme, bdev, { fs }] = await Promise.all([driverArtifact('nvme'), driverArtifact('bdev'), domains()]);
    const image = mkfs([], { size: options.fsBlocks ?? 4000 });
    const print = options.console;
    const t = testKernel({ console: (d, text) => print?.(`${d.name}: ${text}`) });
    const filter = DmaPageFilter.forBuffer(t.kernel.heap.buffer);
    const engine = new InlineEngine(filteredDma(t.kernel.heap.buffer, filter));
    const ctrl = engine.addNvme({ namespaces: [{ memory: Math.ceil(image.length / PAGE) * PAGE, blockSize: 512 }] });
    await engine.start();
    t.kernel.attachDevice('disk0', { kind: 'nvme', bar0: ctrl.bar0, dma: filter });
    return new PowerCutRig(t.kernel, engine, ctrl, { nvme, bdev, fs: options.fs ?? fs }, image, options.ops ?? 16);
  }

  /** A fresh image on the media, the cache empty and the controller re-enabled. */
  #fresh(): void {
    this.#teardown();
    this.#ctrl.powerCut('discard');
    const media = this.#ctrl.media();
    media.fill(0);
    media.set(this.#image);
    this.#enable();
  }

  #enable(): void {
    this.#ctrl.pci.write32(PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
  }

  #teardown(): void {
    for (const id of this.#live) this.#kernel.crash(id, 'power cut');
    this.#live = [];
    this.#kernel.forget();
  }

  #stack(faults: string): { driver: Link; driverId: number; bdev: Link } {
    const d = this.#kernel.load(this.#artifacts.nvme, { args: ['disk0', faults], devices: ['disk0'] });
    this.#live.push(d.id);
    const b = this.#kernel.load(this.#artifacts.bdev, { args: [d.exports[0]!] });
    this.#live.push(b.id);
    return { driver: d.exports[0]!, driverId: d.id, bdev: b.exports[0]! };
  }

  /** The fs mounted on `bdev`, or why the mount failed. */
  #mount(bdev: Link): FileSystem | string {
    try {
      const d = this.#kernel.load(this.#artifacts.fs, { args: [bdev] });
      this.#live.push(d.id);
      return this.#kernel.connect(d.exports[0]!, stubOfFileSystem);
    } catch (e) {
      return e instanceof Error ? e.message : String(e);
    }
  }

  #submitted(driver: Link): number | undefined {
    const st = this.#kernel.connect(driver, stubOfNvmeBDev).stats();
    return st.ok ? Number(st.value.submitted) : undefined;
  }

  /** The seed's workload against the model, until a call answers otherwise (the cut). */
  async #workload(fs: FileSystem, seed: number, driverId: number): Promise<Run> {
    const model = new Model();
    const run: Run = { calls: 0, returned: 0, struck: false, states: [model.key()], trace: [], failures: [] };
    const w = new Workload(fs, model, prng(seed));
    try {
      for (let op = 0; op < this.#ops && !run.struck; op++) {
        const queue = w.next(seed * 1000 + op);
        while (queue.length > 0) {
          const step = queue.shift()!;
          if ('then' in step) {
            queue.unshift(...step.then());
            continue;
          }
          const a = await step.call();
          run.calls++;
          run.trace.push(`${step.what} -> ${'errno' in a ? errnoName(a.errno) : a.failed}`);
          if ('errno' in a && a.errno === step.expect) {
            if (a.errno === 0) step.apply?.();
            run.states.push(model.key());
            run.returned = run.calls;
            continue;
          }
          // Not the model's answer: the cut, or a bug.
          run.struck = true;
          const dead = this.#kernel.info(driverId)?.state === 'crashed';
          if (!dead || !('errno' in a) || a.errno !== EIO) {
            const got = 'errno' in a ? errnoName(a.errno) : `a failed call (${a.failed})`;
            run.failures.push(`${step.what}: answered ${got}, expected ${errnoName(step.expect)}${dead ? '' : ' with the driver alive'}`);
          }
          // The call in flight may have committed before the disk failed: its state is allowed too.
          if (step.expect === 0 && step.apply !== undefined) {
            step.apply();
            run.states.push(model.key());
          }
          break;
        }
      }
    } finally {
      w.dispose();
    }
    return run;
  }

  /** Requests the seed's workload makes with nothing failing, the mount's among them; and the mount's alone. */
  async measure(seed: number): Promise<{ total: number; mount: number }> {
    this.#fresh();
    const s = this.#stack('');
    const fs = this.#mount(s.bdev);
    if (typeof fs === 'string') throw new Error(`the fresh image does not mount: ${fs}`);
    const mount = this.#submitted(s.driver)!;
    const run = await this.#workload(fs, seed, s.driverId);
    if (run.failures.length > 0) throw new Error(`seed ${seed} fails with no cut: ${run.failures.join('; ')}`);
    const total = this.#submitted(s.driver)!;
    this.#teardown();
    return { total, mount };
  }

  /** The cut a seed draws: after how many requests, and what the cache keeps. */
  static plan(seed: number, total: number, mount: number): { requests: number; mode: PowerCutMode } {
    const rnd = prng(seed ^ 0x5bd1e995);
    const r = rnd();
    // Mostly during the workload; one in 20 during the mount, one in 20 after the end.
    const requests = r < 0.05 ? 1 + Math.floor(rnd() * mount) : r < 0.1 ? total + 1 : mount + 1 + Math.floor(rnd() * Math.max(1, total - mount));
    const mode: PowerCutMode = rnd() < 0.3 ? 'discard' : { seed: 2 + Math.floor(rnd() * 0x7ffffff0) };
    return { requests, mode };
  }

  /**
   * One cut: the seed's workload until the driver dies after its planned request (or to the
   * end), power off, a new stack on the same device, fsck and the tree against the model.
   */
  async cut(seed: number, plan?: { requests: number; mode: PowerCutMode }): Promise<CutResult> {
    const { total, mount } = await this.measure(seed);
    const { requests, mode } = plan ?? PowerCutRig.plan(seed, total, mount);
    this.#fresh();
    const s = this.#stack(`requests:${requests}`);
    const fs = this.#mount(s.bdev);
    let run: Run;
    if (typeof fs === 'string') {
      // The cut struck during the mount: nothing ran.
      run = { calls: 0, returned: 0, struck: true, states: [new Model().key()], trace: [`mount -> ${fs}`], failures: [] };
      if (this.#kernel.info(s.driverId)?.state !== 'crashed') run.failures.push(`the mount failed with the driver alive: ${fs}`);
    } else {
      run = await this.#workload(fs, seed, s.driverId);
    }
    // Power off: the driver, bdev and fs go with it; the controller keeps what the plan says.
    this.#teardown();
    this.#ctrl.powerCut(mode);
    this.#enable();
    const failures = run.failures;
    let lost = 0;
    const again = this.#mount(this.#stack('').bdev);
    if (typeof again === 'string') {
      failures.push(`the mount after the cut failed: ${again}`);
    } else {
      const report = fsck(this.#ctrl.media().subarray(0, this.#image.length));
      for (const p of report.problems) if (!NOTE_KINDS.has(p.kind)) failures.push(`fsck: ${p.kind} at ${p.where}: ${p.what}`);
      let actual: string | undefined;
      try {
        actual = await treeKey(again);
      } catch (e) {
        failures.push(`reading the tree back: ${e instanceof Error ? e.message : String(e)}`);
      }
      if (actual !== undefined) {
        const match = run.states.lastIndexOf(actual);
        if (match < 0) failures.push(`the tree is no state the calls could have left:\n${actual}\nexpected (after every returned call):\n${run.states[run.returned]!}`);
        else if (match < run.returned) {
          lost = run.returned - match;
          failures.push(`${lost} returned calls are missing: the tree is the state after ${match} of ${run.returned}`);
        }
      }
    }
    this.#teardown();
    const modeText = typeof mode === 'object' ? `keep seed ${mode.seed}` : mode;
    return { seed, requests, total, mode: modeText, calls: run.calls, returned: run.returned, struck: run.struck, lost, failures, trace: run.trace };
  }

  async close(): Promise<void> {
    this.#kernel.shutdown();
    await this.#engine.shutdown();
  }
}

/** A failed cut as text: the seed to replay it with, the plan, what went wrong, the calls made. */
export function describeFailure(r: CutResult): string {
  return [
    `power cut seed ${r.seed} (after ${r.requests} of ${r.total} requests, ${r.mode}): ${r.calls} calls, ${r.returned} returned`,
    ...r.failures.map((f) => `  ${f}`),
    '  calls:',
    ...r.trace.map((t) => `    ${t}`),
  ].join('\n');
}
