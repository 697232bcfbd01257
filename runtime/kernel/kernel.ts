// The microkernel: the domain table, loading a bundle into its own realm, the kernel functions
// each domain's glue may call, crash handling and reclamation (invariant I5), threads, and
// shadows. Calls between domains do not pass through here: stubs call dispatchers directly
// (gate.ts); the kernel only makes the links they use and cuts them when a domain dies.
import { performance } from 'node:perf_hooks';
import { SharedHeap } from '../heap/heap.ts';
import type { HeapOptions } from '../heap/heap.ts';
import { KERNEL } from '../heap/owners.ts';
import { MAX_DOMAINS } from '../heap/accounts.ts';
import { HeapError } from '../heap/errors.ts';
import { portFor, viewsOf } from '../lib/port.ts';
import type { HeapPort } from '../lib/port.ts';
import { enterDomain } from '../lib/handles.ts';
import { createRealm } from './realm.ts';
import type { Realm } from './realm.ts';
import { FaultRouter, describe } from './faults.ts';
import type { Fault } from './faults.ts';
import { Gate } from './gate.ts';
import type { BootEnv, DomainControl, Frame, KernelPort, Link } from './gate.ts';
import type { DomainBundle } from './bundle.ts';
import { ArtifactRefused, parseArtifact, verifyArtifact } from '../../signer/artifact.ts';
import type { Artifact, Statement, TrustPolicy } from '../../signer/artifact.ts';
import type { TrustedKey } from '../../signer/keys.ts';
import { interfaceDigests } from '../idl/generated/index.ts';
import { POLICY_VERSION } from '../../checker/version.ts';
import { Threads } from './threads.ts';

export type DomainState = 'running' | 'crashed';

/** What the kernel tells about a domain. */
export interface DomainInfo {
  readonly id: number;
  readonly name: string;
  readonly state: DomainState;
  /** Why it crashed. */
  readonly reason: string | undefined;
  /** Links of the interfaces its create function returned, in order. */
  readonly exports: readonly Link[];
}

/** An artifact Kernel.verify accepted (Kernel.loadVerified loads it). */
export interface VerifiedArtifact {
  /** The domain's name, from its signed statement. */
  readonly name: string;
}

export interface LoadOptions {
  /** Arguments of the create function: primitives and links. */
  readonly args?: readonly unknown[];
  /** Shared-heap byte quota. */
  readonly quota?: number;
  /** Only for shadow domains: re-creates the shadowed domain when it died. */
  readonly restart?: () => Link;
  /** Attached devices (by name) this instance drives; each of a kind its statement declares. */
  readonly devices?: readonly string[];
}

/** Capabilities this kernel knows how to grant, besides those of attached devices. */
export const KERNEL_CAPABILITIES: ReadonlySet<string> = new Set(['restart']);

/** A device the kernel can hand to a driver domain: its kind, its BAR0, and the IOMMU-style filter of its DMA. */
export interface AttachedDevice {
  /** What drives it (`ixgbe`, `nvme`): a driver declares `mmio:<kind>` and `dma:<kind>`. */
  readonly kind: string;
  readonly bar0: { readonly size: number; read32(offset: number): number; write32(offset: number, value: number): void };
  /** Pages the device may DMA into; undefined for a device without DMA. */
  readonly dma?: { allow(addr: number, len: number): void; revoke(addr: number, len: number): void };
}

export interface KernelOptions {
  /**
   * Whom to trust: only artifacts signed by one of these keys are loaded (I7). The kernel checks
   * the IDL digests against its own generated glue and accepts the current checker policy.
   */
  readonly trusted: readonly TrustedKey[];
  /** Narrows what is accepted (for tests of the refusals); defaults come from this kernel. */
  readonly policy?: Partial<Omit<TrustPolicy, 'trusted'>>;
  /** The shared heap (or options for a new one). */
  readonly heap?: SharedHeap | HeapOptions;
  /** Where domains' console output goes; default: stdout, prefixed with the domain's name. */
  readonly console?: (domain: DomainInfo, text: string) => void;
  /** Route unhandled rejections and uncaught exceptions of domains to their crash (default true). */
  readonly routeFaults?: boolean;
}

/** Restarts and recovery times of one shadowed domain. */
export interface ShadowStats {
  readonly restarts: number;
  /** Milliseconds each re-creation took. */
  readonly restartMs: readonly number[];
}

export class DomainLoadError extends Error {}

/**
 * The prototype of the kernel objects realms' glue reads and writes (the frame, links): empty,
 * frozen, with a null prototype, so nothing leads from them to the host's intrinsics. Objects
 * made by Object.create(null) are hash tables in V8, ten times slower to access; objects that
 * inherit from this one keep fast properties.
 */
const hostless: object = Object.freeze(Object.create(null) as object);

interface DomainRecord {
  readonly id: number;
  readonly name: string;
  readonly bundle: DomainBundle;
  readonly statement: Statement;
  readonly options: LoadOptions;
  state: DomainState;
  reason: string | undefined;
  alive: boolean;
  realm: Realm | undefined;
  control: DomainControl | undefined;
  /** Every link to this domain's objects (exports and interfaces it handed out). */
  readonly links: Link[];
  readonly exports: Link[];
  readonly timers: Set<NodeJS.Timeout | NodeJS.Immediate>;
  /** DMA windows granted to devices for this domain's objects (address -> length per device), revoked when it dies. */
  readonly dmaGrants: Map<AttachedDevice, Map<number, number>>;
  /** Devices whose `mmio` or `dma` use this domain passed the capability check for (checked once). */
  readonly granted: { readonly mmio: Map<string, AttachedDevice>; readonly dma: Map<string, AttachedDevice> };
  /** Milliseconds the last crash took to handle (links cut, calls failed, heap reclaimed). */
  crashMs: number;
}

export class Kernel {
  readonly heap: SharedHeap;
  /** The register file every crossing uses (gate.ts). */
  readonly frame: Frame;
  readonly threads: Threads;
  readonly #domains = new Map<number, DomainRecord>();
  readonly #links = new WeakSet<Link>();
  readonly #faults: FaultRouter | undefined;
  readonly #console: (domain: DomainInfo, text: string) => void;
  readonly #crashListeners = new Set<(d: DomainInfo) => void>();
  #nextId = 1;
  #gate: Gate | undefined;
  readonly #trust: TrustPolicy;
  readonly #devices = new Map<string, AttachedDevice>();
  /** What verify accepted, by the token it handed out. */
  readonly #verified = new WeakMap<VerifiedArtifact, { statement: Statement; bundle: DomainBundle }>();

  constructor(options: KernelOptions) {
    this.#trust = Object.freeze({
      trusted: [...options.trusted],
      interfaceDigests: options.policy?.interfaceDigests ?? interfaceDigests,
      acceptedPolicies: options.policy?.acceptedPolicies ?? [POLICY_VERSION],
      acceptedTools: options.policy?.acceptedTools ?? ['redleaf-check'],
      grantable: options.policy?.grantable ?? KERNEL_CAPABILITIES,
    });
    this.heap = options.heap instanceof SharedHeap ? options.heap : new SharedHeap(options.heap ?? {});
    this.heap.openAccount(KERNEL);
    this.frame = Object.seal(Object.assign(Object.create(hostless) as object, {
      s: 0, c: KERNEL, k: '', m: '', d: '', cur: KERNEL, thread: 0,
      v0: undefined, v1: undefined, v2: undefined, v3: undefined, v4: undefined, v5: undefined, v6: undefined, v7: undefined,
    })) as Frame;
    this.threads = new Threads(this.frame, (id, reason) => this.crash(id, reason));
    this.#console = options.console ?? ((d, text) => process.stdout.write(`[${d.name}] ${text}\n`));
    if (options.routeFaults ?? true) {
      this.#faults = new FaultRouter((f: Fault) => this.crash(f.domain, `${f.kind}: ${f.description}`));
      this.#faults.install();
    }
  }

  // ---- the domain table ---------------------------------------------------------------------

  /**
   * Verifies a signed artifact (I7: signature, bundle hash, IDL digests, checker policy,
   * capabilities; ArtifactRefused names what failed, and nothing of the bundle has run), then
   * loads its bundle into a new realm and runs its create function (DomainLoadError if that fails).
   * A string is an artifact file's text, parsed strictly first.
   */
  load(artifact: Artifact | string, options: LoadOptions = {}): DomainInfo {
    return this.#instantiate(verifyArtifact(typeof artifact === 'string' ? parseArtifact(artifact) : artifact, this.#policyNow()), options);
  }

  /**
   * Verifies an artifact as load does, without loading it. The answer is a token only this
   * kernel honours: loadVerified instantiates it again and again with no new check (a loader
   * that sees the same bytes many times keeps the token by their hash; new bytes are verified).
   */
  verify(artifact: Artifact | string): VerifiedArtifact {
    const v = verifyArtifact(typeof artifact === 'string' ? parseArtifact(artifact) : artifact, this.#policyNow());
    const token: VerifiedArtifact = Object.freeze({ name: v.statement.domain.name });
    this.#verified.set(token, v);
    return token;
  }

  /** Loads an artifact verify accepted (a token of this kernel; anything else is refused). */
  loadVerified(token: VerifiedArtifact, options: LoadOptions = {}): DomainInfo {
    const v = this.#verified.get(token);
    if (v === undefined) throw new ArtifactRefused('malformed', 'not an artifact this kernel verified');
    return this.#instantiate(v, options);
  }

  /** Loads what verifyArtifact accepted: a new instance of its bundle in a new realm. */
  #instantiate(verified: { statement: Statement; bundle: DomainBundle }, options: LoadOptions): DomainInfo {
    const { statement, bundle } = verified;
    if (options.restart !== undefined && !statement.capabilities.includes('restart')) {
      throw new DomainLoadError(`${statement.domain.name}: it did not declare the 'restart' capability a shadow needs`);
    }
    for (const name of options.devices ?? []) {
      const d = this.#devices.get(name);
      if (d === undefined) throw new DomainLoadError(`${statement.domain.name}: no device is attached as ${name}`);
      if (!statement.capabilities.includes(`mmio:${d.kind}`)) throw new DomainLoadError(`${statement.domain.name}: it did not declare mmio:${d.kind}, so it cannot be given ${name}`);
    }
    for (const a of options.args ?? []) {
      const t = typeof a;
      if (!(t === 'number' || t === 'string' || t === 'boolean' || t === 'bigint' || a === undefined || (t === 'object' && this.#links.has(a as Link)))) {
        throw new DomainLoadError(`${bundle.manifest.name}: create arguments are primitives and links the kernel made`);
      }
    }
    const id = this.#allocateId();
    const name = bundle.manifest.name;
    this.heap.openAccount(id);
    if (options.quota !== undefined) this.heap.setQuota(id, options.quota);
    const rec: DomainRecord = {
      id, name, bundle, statement, options, state: 'running', reason: undefined, alive: true, realm: undefined, control: undefined,
      links: [], exports: [], timers: new Set(), dmaGrants: new Map(), granted: { mmio: new Map(), dma: new Map() }, crashMs: 0,
    };
    this.#domains.set(id, rec);
    try {
      const realm = createRealm({ name: `${name}#${id}` });
      rec.realm = realm;
      this.#faults?.register(realm, id);
      const exports = realm.evaluate(bundle.code, `${name}.js`);
      const boot = readBoot(exports);
      const env: BootEnv = Object.freeze(Object.assign(Object.create(null) as object, {
        domain: id, name, heap: this.#heapPort(rec), kernel: this.#kernelPort(rec), args: Object.freeze([...(options.args ?? [])]),
      })) as BootEnv;
      const prev = this.frame.cur;
      this.frame.cur = id;
      try {
        rec.control = boot(env) as DomainControl;
      } finally {
        this.frame.cur = prev;
      }
      if (!rec.alive) throw new Error(rec.reason ?? 'crashed while it was created');
    } catch (e) {
      const reason = describe(e);
      this.crash(id, `create failed: ${reason}`);
      throw new DomainLoadError(`${name}: could not be created: ${reason}`);
    }
    return this.info(id)!;
  }

  info(id: number): DomainInfo | undefined {
    const r = this.#domains.get(id);
    if (r === undefined) return undefined;
    return Object.freeze({ id: r.id, name: r.name, state: r.state, reason: r.reason, exports: Object.freeze([...r.exports]) });
  }

  /** Running domains. */
  domains(): DomainInfo[] {
    return [...this.#domains.values()].filter((r) => r.alive).map((r) => this.info(r.id)!);
  }

  /** Milliseconds the handling of `id`'s crash took. */
  crashMs(id: number): number | undefined {
    return this.#domains.get(id)?.crashMs;
  }

  onCrash(listener: (d: DomainInfo) => void): () => void {
    this.#crashListeners.add(listener);
    return () => this.#crashListeners.delete(listener);
  }

  /**
   * Terminates a domain (I5): its links are cut (later calls fail fast), its in-flight calls
   * settle with errors, its timers and threads stop, every shared-heap object it owns is freed
   * by trusted code, and its realm becomes unreachable. Other domains keep running.
   */
  crash(id: number, reason: string): void {
    const rec = this.#domains.get(id);
    if (rec === undefined || !rec.alive) return;
    const start = performance.now();
    rec.alive = false;
    rec.state = 'crashed';
    rec.reason = reason;
    for (const l of rec.links) l.target = null;
    for (const t of rec.timers) { clearTimeout(t as NodeJS.Timeout); clearImmediate(t as NodeJS.Immediate); }
    rec.timers.clear();
    this.threads.endAll(id);
    // The device stops DMA into memory the driver no longer owns, before that memory is freed.
    for (const [device, windows] of rec.dmaGrants) {
      for (const [addr, len] of windows) device.dma?.revoke(addr, len);
    }
    rec.dmaGrants.clear();
    const control = rec.control;
    if (control !== undefined) {
      try { control.markDead(); } catch { /* its glue is broken: the links are cut anyway */ }
      try { control.failAll(reason); } catch { /* as above */ }
    }
    this.heap.reclaim(id);
    this.#faults?.unregister(id);
    rec.realm = undefined;
    rec.control = undefined;
    rec.links.length = 0;
    rec.crashMs = performance.now() - start;
    // Records of dead domains are kept for inspection, without their realm; the table only
    // grows by a few hundred bytes a domain. forget() drops them.
    const info = this.info(id)!;
    for (const l of this.#crashListeners) l(info);
  }

  /** Drops the records of dead domains. */
  forget(): void {
    for (const [id, r] of this.#domains) if (!r.alive) this.#domains.delete(id);
  }

  /** Stops routing faults and cancels every domain's timers; the kernel is unusable afterwards. */
  shutdown(): void {
    for (const r of this.#domains.values()) if (r.alive) this.crash(r.id, 'kernel shut down');
    this.#faults?.uninstall();
  }

  // ---- devices ------------------------------------------------------------------------------

  /**
   * Makes a device available to drivers: a domain whose signed statement declares
   * `mmio:<kind>` can be given it at load (`devices`) and reach its BAR0; with `dma:<kind>` it
   * may let it DMA into objects it owns. PCI configuration (memory space, bus mastering) stays
   * with the code that attaches the device: drivers get no configuration space.
   */
  attachDevice(name: string, device: AttachedDevice): void {
    if (!/^[a-z][a-z0-9]*$/.test(name)) throw new RangeError(`device name '${name}' must be lower-case letters and digits`);
    if (this.#devices.has(name)) throw new RangeError(`a device is already attached as ${name}`);
    this.#devices.set(name, device);
  }

  #policyNow(): TrustPolicy {
    if (this.#devices.size === 0) return this.#trust;
    const grantable = new Set(this.#trust.grantable);
    for (const d of this.#devices.values()) {
      grantable.add(`mmio:${d.kind}`);
      if (d.dma !== undefined) grantable.add(`dma:${d.kind}`);
    }
    return { ...this.#trust, grantable };
  }

  #device(rec: DomainRecord | undefined, name: string, what: 'mmio' | 'dma'): AttachedDevice {
    // Every register access and DMA grant asks: the answer is kept per domain once given.
    const known = rec?.granted[what].get(name);
    if (known !== undefined) return known;
    const device = this.#devices.get(name);
    const given = rec?.options.devices?.includes(name) === true;
    if (rec === undefined || device === undefined || !given || !rec.statement.capabilities.includes(`${what}:${device.kind}`)) {
      throw new Error(`${rec?.name ?? 'the kernel'} was not granted ${what} of device ${name}`);
    }
    rec.granted[what].set(name, device);
    return device;
  }

  // ---- shadows ------------------------------------------------------------------------------

  /**
   * Loads `bundle` behind a shadow domain (`shadow`, from bundleShadow of its interface): the
   * caller uses the shadow's export; when the shadowed domain crashes, the shadow has the kernel
   * re-create it with the same arguments and replays the call. Returns the shadow's info and the
   * restart statistics (live: they grow as restarts happen).
   */
  loadShadowed(artifact: Artifact, shadow: Artifact, options: LoadOptions = {}): { shadow: DomainInfo; target: () => DomainInfo; stats: ShadowStats } {
    // Verified once: a restart instantiates the same verified bundle again (the signature check
    // is most of a load, and a restart is on the shadow's critical path).
    const verified = verifyArtifact(artifact, this.#policyNow());
    let target = this.#instantiate(verified, options);
    const restartMs: number[] = [];
    const stats = { restarts: 0, restartMs };
    // The link the shadow holds. A restart points it at the new instance's export, so whatever
    // the shadow made of it (its stub, a reference its own code keeps) reaches the new instance.
    const held = target.exports[0]!;
    const restart = (): Link => {
      const current = this.#domains.get(target.id);
      if (current !== undefined && current.alive) return held;
      const t0 = performance.now();
      target = this.#instantiate(verified, options);
      const fresh = target.exports[0]!;
      held.target = fresh.target;
      held.callee = fresh.callee;
      held.domain = fresh.domain;
      this.#domains.get(target.id)!.links.push(held);
      restartMs.push(performance.now() - t0);
      stats.restarts++;
      return held;
    };
    const s = this.load(shadow, { args: [held], restart });
    return { shadow: s, target: () => this.info(target.id)!, stats };
  }

  // ---- the kernel as a caller ---------------------------------------------------------------

  /** The kernel's own gate: host code (tests, benchmarks, boot) calls domains through it. */
  get gate(): Gate {
    if (this.#gate === undefined) {
      const views = viewsOf(portFor(this.heap, KERNEL));
      this.#gate = new Gate(KERNEL, 'kernel', views, this.#kernelPort(undefined));
    }
    return this.#gate;
  }

  /** Binds the host's copy of the library to the kernel's heap (for host code that makes RRefs). */
  enter(): void {
    enterDomain(this.gate.views);
  }

  /** A stub in the host for `link`; `make` is the generated factory of its interface (stubOfEcho...). */
  connect<S extends object>(link: Link, make: (gate: Gate, link: Link) => S): S {
    return this.gate.stubFor(link, make);
  }

  // ---- what a domain's glue may call --------------------------------------------------------

  #allocateId(): number {
    // Ids are handed out in order and reused only after wrapping around, so a late result
    // addressed to a dead domain's id cannot reach a new domain that happens to get it.
    for (let tries = 0; tries < MAX_DOMAINS; tries++) {
      const id = this.#nextId;
      this.#nextId = id + 1 >= MAX_DOMAINS ? 1 : id + 1;
      const r = this.#domains.get(id);
      if ((r === undefined || !r.alive) && !this.heap.isOpen(id)) {
        if (r !== undefined) this.#domains.delete(id);
        return id;
      }
    }
    throw new DomainLoadError(`too many domains (at most ${MAX_DOMAINS - 1} at once)`);
  }

  #heapPort(rec: DomainRecord): HeapPort {
    const p = portFor(this.heap, rec.id);
    const alive = (): void => {
      if (!rec.alive) throw new HeapError('BAD_OWNER', `${rec.name} has crashed: its heap operations are refused`);
    };
    return Object.freeze({
      domain: p.domain, data: p.data, registry: p.registry, registryCapacity: p.registryCapacity, accounts: p.accounts,
      registerType: (info) => p.registerType(info),
      alloc: (typeId, size, zero) => { alive(); return p.alloc(typeId, size, zero); },
      free: (slot, gen) => { alive(); p.free(slot, gen); },
      putRef: (parent, parentGen, refOffset, child, childGen) => { alive(); return p.putRef(parent, parentGen, refOffset, child, childGen); },
      takeRef: (parent, parentGen, refOffset) => { alive(); return p.takeRef(parent, parentGen, refOffset); },
      clone: (slot, gen) => { alive(); return p.clone(slot, gen); },
    } satisfies HeapPort);
  }

  /** The kernel functions bound to one domain (or to the kernel itself, for `rec` undefined). */
  #kernelPort(rec: DomainRecord | undefined): KernelPort {
    const self = rec?.id ?? KERNEL;
    const name = rec?.name ?? 'kernel';
    // Errors name the instance, so a shadow can tell its own domain's crash from one it passed on.
    const instance = rec === undefined ? 'kernel' : `${rec.name}#${rec.id}`;
    const alive = (): boolean => rec === undefined || rec.alive;
    const timer = (t: NodeJS.Timeout | NodeJS.Immediate): void => { rec?.timers.add(t); };
    const untimer = (t: NodeJS.Timeout | NodeJS.Immediate): void => { rec?.timers.delete(t); };
    const port: KernelPort = {
      frame: this.frame,
      crash: (reason: string) => { if (rec !== undefined) this.crash(rec.id, String(reason)); },
      exportLink: (iface: string, dispatcher: object): Link => {
        if (!alive()) throw new Error(`${name} has crashed`);
        const link = Object.seal(Object.assign(Object.create(hostless) as object, { target: dispatcher, callee: self, iface: String(iface), domain: instance })) as Link;
        this.#links.add(link);
        rec?.links.push(link);
        return link;
      },
      exported: (link: Link) => {
        if (!this.#links.has(link)) throw new Error('not a link the kernel made');
        rec?.exports.push(link);
      },
      print: (text: string) => {
        if (!alive()) return;
        this.#console(rec === undefined ? { id: KERNEL, name, state: 'running', reason: undefined, exports: [] } : this.info(self)!, String(text));
      },
      now: () => performance.now(),
      sleep: (ms: number, done: () => void) => {
        if (!alive()) return;
        const delay = Number.isFinite(ms) && ms > 0 ? Math.min(ms, 2 ** 31 - 1) : 0;
        const t = setTimeout(() => { untimer(t); if (alive()) this.threads.resume(self, done); }, delay);
        timer(t);
      },
      yieldNow: (done: () => void) => {
        if (!alive()) return;
        const t = setImmediate(() => { untimer(t); if (alive()) this.threads.resume(self, done); });
        timer(t);
      },
      spawn: (threadName: string, entry: () => unknown): number => {
        if (rec === undefined || !alive()) throw new Error(`${name} cannot spawn threads`);
        return this.threads.spawn(rec.id, String(threadName), entry, (t) => timer(t), (t) => untimer(t));
      },
      heapObjects: () => this.heap.stats(self).objects,
      heapBytes: () => this.heap.stats(self).bytes,
      deviceSize: (device: string) => this.#device(rec, String(device), 'mmio').bar0.size,
      mmioRead32: (device: string, offset: number) => {
        if (!alive()) throw new Error(`${name} has crashed`);
        return this.#device(rec, String(device), 'mmio').bar0.read32(Number(offset));
      },
      mmioWrite32: (device: string, offset: number, value: number) => {
        if (!alive()) throw new Error(`${name} has crashed`);
        this.#device(rec, String(device), 'mmio').bar0.write32(Number(offset), Number(value) >>> 0);
      },
      dmaGrant: (device: string, slot: number, gen: number): number => {
        if (!alive()) throw new Error(`${name} has crashed`);
        const attached = this.#device(rec, String(device), 'dma');
        if (!this.heap.isLiveRoot(self, slot, gen)) throw new Error(`${name} can only hand a device objects it owns`);
        const addr = this.heap.registry.offset[slot]!, len = this.heap.registry.size[slot]!;
        let windows = rec!.dmaGrants.get(attached);
        if (windows === undefined) rec!.dmaGrants.set(attached, (windows = new Map()));
        // A driver hands the same buffers to its device again and again: grant each once.
        if (windows.get(addr) !== len) {
          attached.dma!.allow(addr, len);
          windows.set(addr, len);
        }
        return addr;
      },
      restart: (): Link => {
        // Granted only to a domain whose signed statement declares it.
        const r = rec?.statement.capabilities.includes('restart') === true ? rec.options.restart : undefined;
        if (r === undefined || !alive()) throw new Error(`${name} is not a shadow`);
        return r();
      },
    };
    return Object.freeze(Object.assign(Object.create(null) as object, port)) as KernelPort;
  }
}

/** The bundle's `boot` (an export getter of the bundle may run: it is the domain's code, in its realm). */
function readBoot(exports: unknown): (env: BootEnv) => unknown {
  if (typeof exports !== 'object' || exports === null) throw new Error('the bundle did not produce an exports object');
  const boot: unknown = (exports as { boot?: unknown }).boot;
  if (typeof boot !== 'function') throw new Error('the bundle exports no boot function');
  return boot as (env: BootEnv) => unknown;
}
