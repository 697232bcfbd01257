// The gate: the in-realm half of every crossing. It is trusted code bundled into every domain
// (and used by the kernel itself), and the generated stubs and dispatchers
// (runtime/idl/generated) are written against it.
//
// A call from domain A to domain B runs A's stub, then B's dispatcher, and nothing in between:
// the stub calls the dispatcher directly, so a call crosses realms exactly once. What crosses
// is primitives and slot numbers; results come back through the kernel's *frame*, a
// null-prototype object of the host whose fields both sides read and write (status, caller,
// values). Foreign functions (the callee's dispatcher, the caller's settle callback, the
// kernel's functions) are held only in this module's closures and private fields, are never
// handed to domain code, and whatever they throw is replaced by an error of this realm.

import { HeapError } from '../heap/errors.ts';
import { KERNEL } from '../heap/owners.ts';
import { rowOf } from '../heap/accounts.ts';
import type { HeapPort, HeapViews } from '../lib/port.ts';
import { viewsOf } from '../lib/port.ts';
import {
  attach as attachHandle, lend as lendHandleIn, endBorrow, enterDomain, handleTypeId, sendHandle, lendHandle, unlend as unlendSlot,
  discard, vecKindOfTypeId, handleSlot, cloneHandle, rrefKind, vecKind, arrayKind, dequeKind,
} from '../lib/handles.ts';
import type { Handle, HandleKind } from '../lib/handles.ts';
import { RpcError, rpcError } from '../lib/rpc.ts';
import type { RpcErr, RpcErrorKind, RpcOk, RpcResult } from '../lib/rpc.ts';
import type { Syscalls, HeapStats, Device, DmaTarget } from '../lib/syscalls.ts';

export { rrefKind, vecKind, arrayKind, dequeKind, vecKindOfTypeId, handleTypeId };
export type { HandleKind, RpcResult, RpcOk };

/** Status of the last call, in `frame.s`. */
export const OK = 0;
/** The callee returned an RpcError (its own callee failed); kind, domain and message follow. */
export const FAILED = 1;
/** The callee crashed during the call. */
export const CRASHED = 2;
/** The callee is dead, or the caller died while the call was in flight. */
export const DEAD = 3;
/** A result could not be handed over (the caller's quota, a handle the callee did not own). */
export const REFUSED = 4;

/**
 * The kernel's register file for crossings: one per kernel, shared by every realm's glue. A
 * dispatcher writes status and values right before it returns and the stub reads them right
 * after, so nested calls never see each other's values.
 */
export interface Frame {
  /** Status (OK, FAILED, CRASHED, DEAD, REFUSED). */
  s: number;
  /** Caller's domain id, written by the stub just before it calls. */
  c: number;
  /** For FAILED: the RpcError kind; for the others, unused. */
  k: string;
  /** Message of a failure. */
  m: string;
  /** Name of the domain a failure comes from. */
  d: string;
  /** Current domain of the running thread (switched by every dispatcher). */
  cur: number;
  /** Running thread (kernel task) id; 0 outside any thread. */
  thread: number;
  v0: unknown; v1: unknown; v2: unknown; v3: unknown; v4: unknown; v5: unknown; v6: unknown; v7: unknown;
}

/** Values a result may spread over: v0..v7. */
export const FRAME_VALUES = 8;

/**
 * An exported interface instance: made by the kernel, held by the stubs that call it. The
 * kernel sets `target` to null when the callee dies, so its realm becomes unreachable; when a
 * shadow has the callee re-created, the kernel points the shadow's link at the new instance.
 */
export interface Link {
  target: object | null;
  callee: number;
  readonly iface: string;
  /** The callee instance's name (`name#id`), which errors of its crash carry. */
  domain: string;
}

/** The kernel's functions a realm's glue may call; the kernel binds them to the domain. */
export interface KernelPort {
  readonly frame: Frame;
  crash(reason: string): void;
  exportLink(iface: string, dispatcher: object): Link;
  exported(link: Link): void;
  print(text: string): void;
  now(): number;
  sleep(ms: number, done: () => void): void;
  yieldNow(done: () => void): void;
  spawn(name: string, entry: () => unknown): number;
  heapObjects(): number;
  heapBytes(): number;
  /** Shadows only: re-creates the shadowed domain if it died; returns the link of its export. */
  restart(): Link;
  /** BAR0 size of a granted device (throws when the capability was not granted). */
  deviceSize(device: string): number;
  mmioRead32(device: string, offset: number): number;
  mmioWrite32(device: string, offset: number, value: number): void;
  /** Lets the device DMA into (slot, gen), which the domain must own; returns its device address. */
  dmaGrant(device: string, slot: number, gen: number): number;
}

/** What the kernel passes to a bundle's `boot`. */
export interface BootEnv {
  readonly domain: number;
  readonly name: string;
  readonly heap: HeapPort;
  readonly kernel: KernelPort;
  /** The create function's arguments: primitives and links. */
  readonly args: readonly unknown[];
}

/** What `boot` hands back to the kernel (functions of the domain's realm; the kernel calls them). */
export interface DomainControl {
  markDead(): void;
  failAll(reason: string): void;
}

// Intrinsics captured when the glue is evaluated, before any domain code runs: domain code
// that replaced them later would otherwise be handed foreign functions by the glue.
const apply = Reflect.apply;
const promiseThen = Promise.prototype.then;
const promiseResolve = Promise.resolve.bind(Promise);
const PromiseCtor = Promise;
const freeze = Object.freeze;
const WeakMapCtor = WeakMap;
const weakGet = WeakMap.prototype.get;
const weakSet = WeakMap.prototype.set;

export const OK_UNDEFINED: RpcOk<undefined> = freeze({ ok: true, value: undefined });

interface InFlight {
  readonly settle: () => void;
  readonly release: (() => void) | undefined;
}

export class Gate {
  readonly self: number;
  readonly name: string;
  readonly frame: Frame;
  readonly views: HeapViews;
  /** Set by the kernel when this domain crashed: its stubs fail fast, its dispatchers are unreachable. */
  dead = false;
  readonly #kernel: KernelPort;
  readonly #inflight = Object.create(null) as Record<number, InFlight>;
  #next = 1;
  readonly #stubs = new WeakMapCtor<Link, object>();

  constructor(self: number, name: string, views: HeapViews, kernel: KernelPort) {
    this.self = self;
    this.name = name;
    this.views = views;
    this.frame = kernel.frame;
    this.#kernel = kernel;
  }

  // ---- stub side: building results in the caller's realm ----------------------------------------

  deadError(link: Link): RpcErr {
    return this.dead
      ? rpcError('callee-dead', this.name, `${this.name} has crashed; its calls are refused`)
      : rpcError('callee-dead', link.domain, `${link.domain} is dead (it crashed earlier)`);
  }

  /** The dispatcher threw past its own guard (stack exhausted): the callee is treated as crashed. */
  lost(link: Link): RpcErr {
    return rpcError('callee-crashed', link.domain, `the call to ${link.iface} did not return`);
  }

  /** The error the frame describes, made in this realm. */
  failure(link: Link): RpcErr {
    const f = this.frame;
    switch (f.s) {
      case FAILED: return rpcError(errorKind(f.k), f.d, f.m);
      case CRASHED: return rpcError('callee-crashed', link.domain, f.m);
      case DEAD: return rpcError('callee-dead', link.domain, f.m);
      default: return rpcError('bad-argument', link.domain, f.m);
    }
  }

  /** An argument that cannot cross: nothing was moved or lent. */
  refused(link: Link, method: string, param: string, why: unknown): RpcErr {
    const reason = why instanceof Error ? why.message : String(why);
    return rpcError('bad-argument', link.domain, `${link.iface}.${method}: argument '${param}' cannot be passed: ${reason}`);
  }

  /** A result that does not match the interface (the callee's glue checks it first; this is a second look). */
  malformed(link: Link, method: string): RpcErr {
    return rpcError('callee-crashed', link.domain, `${link.iface}.${method} returned a value its interface does not allow`);
  }

  /** A promise of this realm, resolved by `start`'s callback; nothing `start` throws escapes. */
  promise<T>(start: (resolve: (r: RpcResult<T>) => void) => void): Promise<RpcResult<T>> {
    return new PromiseCtor<RpcResult<T>>((resolve) => start(resolve));
  }

  settled<T>(r: RpcResult<T>): Promise<RpcResult<T>> {
    return promiseResolve(r);
  }

  // ---- handles ------------------------------------------------------------------------------

  /** Checks `h` can move as a `typeId` argument, without moving it; returns its bytes (for the quota check). */
  checkSend(h: unknown, typeIds: number | readonly number[]): void {
    const id = handleTypeId(h as Handle); // reading private state refuses anything that is not a handle
    if (typeof typeIds === 'number' ? id !== typeIds : !typeIds.includes(id)) throw new HeapError('BAD_TYPE', 'the handle has another type than the interface declares');
    if (!(h as Handle).isValid) throw new HeapError('REVOKED', 'the handle was moved away or freed');
    if ((h as Handle).isBorrowed) throw new HeapError('READ_ONLY', 'a borrowed RRef cannot be moved');
  }

  /** Moves `h` to `to` (after checkSend); returns the slot the receiver attaches. */
  send(h: unknown, to: number): number {
    return sendHandle(h as Handle, this.self, to);
  }

  /** Checks that the handles are distinct objects (one object cannot cross twice in one call). */
  distinct(...hs: readonly unknown[]): void {
    const slots: number[] = [];
    for (const h of hs) {
      const slot = handleSlot(h as Handle);
      if (slots.includes(slot)) throw new HeapError('BAD_HANDLE', 'the same object is passed twice');
      slots.push(slot);
    }
  }

  /** Checks that the objects fit the receiver's quota together. */
  fits(to: number, ...hs: readonly unknown[]): void {
    const row = rowOf(to);
    const c = this.views.cols;
    let bytes = 0;
    for (const h of hs) bytes += c.treeBytes[handleSlot(h as Handle)]!;
    if (row < 0 || c.acctOpen[row] !== 1) throw new HeapError('BAD_OWNER', 'the receiver is not running');
    if (c.acctBytes[row]! + bytes > c.acctQuota[row]!) throw new HeapError('QUOTA_EXCEEDED', `the receiver's shared-heap quota cannot take ${bytes} more bytes`);
  }

  /** Lends `h` for a call; returns the slot. */
  lendOut(h: unknown, typeIds: number | readonly number[]): number {
    const id = handleTypeId(h as Handle);
    if (typeof typeIds === 'number' ? id !== typeIds : !typeIds.includes(id)) throw new HeapError('BAD_TYPE', 'the handle has another type than the interface declares');
    return lendHandle(h as Handle, this.self);
  }

  unlend(slot: number, gen: number): void {
    unlendSlot(this.views, slot, gen);
  }

  /** A handle of this realm for a root just moved here. */
  attach<H>(kind: HandleKind, slot: unknown): H {
    return attachHandle<Handle>(this.views, kind, slot as number) as H;
  }

  /** The same for an RRefVec of any element type (its type id names the kind). */
  attachVec<H>(slot: unknown): H {
    const kind = vecKindOfTypeId(this.views.typeId[slot as number]!);
    if (kind === undefined) throw new HeapError('BAD_TYPE', 'the object is not an RRefVec');
    return attachHandle<Handle>(this.views, kind, slot as number) as H;
  }

  /** A read-only handle of this realm for a lent object; `endLend` revokes it. */
  lendIn<H>(kind: HandleKind | undefined, slot: number): H {
    const k = kind ?? vecKindOfTypeId(this.views.typeId[slot]!);
    if (k === undefined) throw new HeapError('BAD_TYPE', 'the object is not an RRefVec');
    return lendHandleIn<Handle>(this.views, k, slot) as H;
  }

  endLend(h: unknown): void {
    if (h !== undefined) endBorrow(h as Handle);
  }

  /** A copy of a handle's object, kept by a shadow to replay a call (undefined for anything else). */
  snapshot<H>(h: H): H | undefined {
    try { return cloneHandle(h as Handle) as H; } catch { return undefined; }
  }

  /** Frees a result that could not be handed over. */
  discard(h: unknown): void {
    try { discard(h as Handle); } catch { /* not a live handle of ours: nothing to free */ }
  }

  // ---- interface references -----------------------------------------------------------------

  /** The stub of this realm for `link` (one per link, so identity is stable). */
  stubFor<S extends object>(link: unknown, make: (gate: Gate, link: Link) => S): S {
    const l = link as Link;
    const known = apply(weakGet, this.#stubs, [l]) as S | undefined;
    if (known !== undefined) return known;
    const stub = make(this, l);
    apply(weakSet, this.#stubs, [l, stub]);
    return stub;
  }

  /** A link for an interface value: a stub's own link, or a new export of one of this domain's objects. */
  linkFor(value: unknown, iface: string, linkOfStub: (o: unknown) => Link | undefined, dispatch: (gate: Gate, impl: never) => object): Link {
    const known = linkOfStub(value);
    if (known !== undefined) return known;
    if (typeof value !== 'object' || value === null) throw new TypeError(`an ${iface} reference must be an object implementing ${iface}`);
    return this.#kernel.exportLink(iface, dispatch(this, value as never));
  }

  // ---- dispatcher side ----------------------------------------------------------------------

  /**
   * Looks at what an implementation returned: true for Ok (status OK), false for an Err it
   * passes on (status FAILED, with kind, domain and message copied as strings). Anything else
   * breaks the interface and is thrown, which crashes the domain.
   */
  result(r: unknown): boolean {
    const f = this.frame;
    if (typeof r === 'object' && r !== null) {
      const res = r as { ok?: unknown; error?: unknown };
      if (res.ok === true) { f.s = OK; return true; }
      if (res.ok === false && res.error instanceof RpcError) {
        f.s = FAILED;
        f.k = res.error.kind;
        f.d = res.error.domain;
        f.m = res.error.message;
        return false;
      }
    }
    throw new TypeError(`${this.name} returned something other than an RpcResult`);
  }

  /**
   * A throw escaped this domain's implementation: the kernel terminates the domain. The
   * kernel's own gate also serves host objects (rv6's loader and console); a throw there fails
   * that one call, and the gate stays up: the host calls every domain through it.
   */
  crash(e: unknown): void {
    const reason = describeError(e);
    if (this.self !== KERNEL) {
      if (!this.dead) {
        try { this.#kernel.crash(reason); } catch { /* the kernel marks us dead whatever happens */ }
      }
      this.dead = true;
    }
    const f = this.frame;
    f.s = CRASHED;
    f.m = `${this.name} crashed: ${reason}`;
  }

  /**
   * Tracks an asynchronous call until its promise settles: `finish` encodes the result into the
   * frame, then the caller's `settle` reads it. A crash of this domain settles every tracked call.
   */
  track(p: unknown, settle: () => void, finish: (r: unknown) => void, release?: () => void): void {
    const id = this.#next++;
    this.#inflight[id] = { settle, release };
    const done = (): boolean => {
      const entry = this.#inflight[id];
      if (entry === undefined) return false; // already failed by a crash
      delete this.#inflight[id];
      return true;
    };
    apply(promiseThen, promiseResolve(p), [
      (r: unknown) => {
        if (!done()) return;
        try { finish(r); } catch (e) { if (release) release(); this.crash(e); }
        callSettle(settle);
      },
      (e: unknown) => {
        if (!done()) return;
        if (release) release();
        this.crash(e);
        callSettle(settle);
      },
    ]);
  }

  /** The kernel's side of a crash: every call still in flight fails. */
  control(): DomainControl {
    return freeze({
      markDead: (): void => { this.dead = true; },
      failAll: (reason: string): void => {
        for (const key of Object.keys(this.#inflight)) {
          const entry = this.#inflight[Number(key)];
          delete this.#inflight[Number(key)];
          if (entry === undefined) continue;
          if (entry.release) entry.release();
          const f = this.frame;
          f.s = CRASHED;
          f.m = `${this.name} crashed: ${reason}`;
          callSettle(entry.settle);
        }
      },
    });
  }

  /** A link the kernel passed as a create argument. */
  linkArgument(a: unknown): Link {
    if (typeof a !== 'object' || a === null || !('callee' in a)) throw new TypeError('an interface argument must be a link the kernel made');
    return a as Link;
  }

  /** Shadows: the kernel re-creates the shadowed domain; undefined when it cannot. */
  restartTarget(): Link | undefined {
    try { return this.#kernel.restart(); } catch { return undefined; }
  }

  get kernel(): KernelPort {
    return this.#kernel;
  }
}

function callSettle(settle: () => void): void {
  try { settle(); } catch { /* the caller's realm is gone or broken: nothing to tell it */ }
}

/** How many times a shadow replays one call before it hands the failure to its caller. */
export const SHADOW_REPLAYS = 3;

/** True when `r` failed because the domain behind `link` crashed or is dead (not because of a domain it called). */
export function recoverable(r: RpcResult<unknown>, link: Link): boolean {
  return !r.ok && (r.error.kind === 'callee-crashed' || r.error.kind === 'callee-dead') && r.error.domain === link.domain;
}

/** An error of this realm for one the kernel threw; the original is dropped (its constructor is the host's). */
function ownError(e: unknown): Error {
  return new Error(describeError(e));
}

function errorKind(k: string): RpcErrorKind {
  return k === 'callee-crashed' || k === 'callee-dead' ? k : 'bad-argument';
}

/** Describes a thrown value from data properties only (no getter or toString of the domain runs). */
export function describeError(e: unknown): string {
  if (typeof e === 'string') return e;
  if (typeof e !== 'object' || e === null) return String(e);
  let message: unknown, name: unknown;
  for (let o: object | null = e, steps = 0; o !== null && steps < 16; o = Object.getPrototypeOf(o) as object | null, steps++) {
    const m = Object.getOwnPropertyDescriptor(o, 'message');
    if (message === undefined && m !== undefined && 'value' in m) message = m.value;
    const n = Object.getOwnPropertyDescriptor(o, 'name');
    if (name === undefined && n !== undefined && 'value' in n) name = n.value;
  }
  if (typeof message === 'string') return typeof name === 'string' ? `${name}: ${message}` : message;
  return 'a non-error value was thrown';
}

// ---- booting a domain ---------------------------------------------------------------------------

/**
 * A bundle's entry: binds the library to the domain's heap, builds its gate and syscall
 * capability, and runs `body` (the generated create glue), which calls the domain's create
 * function and exports what it returns.
 */
export function boot(env: BootEnv, body: (gate: Gate, sys: Syscalls, args: readonly unknown[]) => void): DomainControl {
  const views = viewsOf(env.heap);
  enterDomain(views);
  const gate = new Gate(env.domain, env.name, views, env.kernel);
  const sys = syscalls(gate);
  body(gate, sys, env.args);
  return gate.control();
}

/** The syscall capability: an object of this realm whose methods call the kernel. */
export function syscalls(gate: Gate): Syscalls {
  const k = gate.kernel;
  const call = <T>(f: () => T): T => {
    try { return f(); } catch (e) { throw ownError(e); }
  };
  return freeze({
    print(text: string): void { const t = String(text); call(() => k.print(t)); },
    now(): number { return call(() => k.now()); },
    sleep(ms: number): Promise<void> {
      const delay = Number(ms);
      return new PromiseCtor<void>((resolve) => call(() => k.sleep(delay, () => resolve())));
    },
    yield(): Promise<void> {
      return new PromiseCtor<void>((resolve) => call(() => k.yieldNow(() => resolve())));
    },
    spawn(name: string, entry: () => Promise<void> | void): number {
      if (typeof entry !== 'function') throw new TypeError('spawn takes a function');
      const n = String(name);
      return call(() => k.spawn(n, entry));
    },
    domainId(): number { return gate.self; },
    restart(): void { call(() => k.restart()); },
    heapStats(): HeapStats { return freeze({ objects: call(() => k.heapObjects()), bytes: call(() => k.heapBytes()) }); },
    device(name: string): Device {
      const dev = String(name);
      const size = call(() => k.deviceSize(dev));
      return freeze({
        name: dev,
        size,
        read32(offset: number): number { const o = Number(offset); return call(() => k.mmioRead32(dev, o)); },
        write32(offset: number, value: number): void { const o = Number(offset), v = Number(value); call(() => k.mmioWrite32(dev, o, v)); },
        dmaAddress(object: DmaTarget): number {
          const h = object as unknown as Handle;
          const slot = handleSlot(h); // throws for anything but a live handle of this realm
          const gen = gate.views.gen[slot]!;
          return call(() => k.dmaGrant(dev, slot, gen));
        },
      });
    },
  });
}

