// The isolation tests' instrument (invariants I1 and I8): a domain that looks at its own realm.
// `audit` walks every object it can reach from its globals, its syscall capability, its Echo
// stub and whatever calls through that stub returned, and reports any object that is not of
// this realm; `escape` tries the known ways out through the same objects. It is a test
// instrument, not a model of domain code: it uses reflection freely.
import { RRef, RRefVec, ok, u8 } from '../../../../runtime/lib/index.ts';
import type { RpcResult, Syscalls } from '../../../../runtime/lib/index.ts';
import type { Echo, Probe } from '../../../../runtime/idl/test.ts';
import { Cell } from '../../../../runtime/idl/layouts.ts';

// ---- this realm's intrinsics, captured before anything else runs --------------------------------

const ownKeys = Reflect.ownKeys;
const getOwnDescriptor = Reflect.getOwnPropertyDescriptor;
const getProto = Reflect.getPrototypeOf;
const apply = Reflect.apply;
const objectProto: object = Object.prototype;
const functionProto: object = Function.prototype;
/** Every prototype a function of this realm may have (besides another function of this realm). */
const functionProtos: ReadonlySet<unknown> = new Set<unknown>([
  Function.prototype,
  getProto(async function () { /* literal of this realm */ }),
  getProto(function* () { /* literal of this realm */ }),
  getProto(async function* () { /* literal of this realm */ }),
]);
const getterOf = (o: object, key: PropertyKey): ((this: unknown) => unknown) | undefined =>
  getOwnDescriptor(o, key)?.get as ((this: unknown) => unknown) | undefined;
const sharedByteLength = getterOf(SharedArrayBuffer.prototype, 'byteLength')!;
const bufferByteLength = getterOf(ArrayBuffer.prototype, 'byteLength')!;
const mapSize = getterOf(Map.prototype, 'size')!;
const setSize = getterOf(Set.prototype, 'size')!;
const mapForEach = Map.prototype.forEach;
const setForEach = Set.prototype.forEach;

/**
 * Own keys by which the kernel's objects can be recognised even when their prototype tells
 * nothing (a null prototype, or a frozen empty null-prototype object of the host behind them).
 */
const KERNEL_SHAPES: readonly (readonly [string, readonly string[]])[] = [
  ['the kernel frame', ['s', 'c', 'cur', 'thread', 'v0']],
  ['a kernel link', ['target', 'callee', 'iface', 'domain']],
  ['a kernel port', ['exportLink', 'exported', 'frame']],
  ['a boot environment', ['heap', 'kernel', 'args']],
  ['a heap port', ['alloc', 'free', 'putRef', 'takeRef']],
];

function succeeds(f: (this: unknown) => unknown, receiver: unknown): boolean {
  try {
    apply(f, receiver, []);
    return true;
  } catch {
    return false;
  }
}

/** Whether `proto` is on `o`'s prototype chain (without calling anything `o` could redefine). */
function inherits(o: object, proto: object): boolean {
  for (let p = getProto(o), steps = 0; p !== null && steps < 1000; p = getProto(p), steps++) if (p === proto) return true;
  return false;
}

/** Why `o` is not an object of this realm, or undefined when it is. */
export function whyForeign(o: object): string | undefined {
  if (typeof o === 'function') {
    if (o === functionProto) return undefined;
    if (!inherits(o, functionProto)) return "a function without this realm's Function.prototype";
    const p = getProto(o);
    if (!functionProtos.has(p) && !(typeof p === 'function' && inherits(p, functionProto))) return "a function whose prototype is not one of this realm's";
    return undefined;
  }
  const first = getProto(o);
  if (first === null) {
    // A null prototype says nothing about where the object was made: look at what it is.
    if (succeeds(sharedByteLength, o) || succeeds(bufferByteLength, o)) return 'a buffer with no prototype (as the kernel makes the heap buffers)';
    const keys = ownKeys(o);
    for (const [what, shape] of KERNEL_SHAPES) if (shape.every((k) => keys.includes(k))) return `${what} (null prototype)`;
    return undefined;
  }
  let last: object = first;
  for (let p = getProto(first), steps = 0; p !== null && steps < 1000; p = getProto(p), steps++) last = p;
  if (last !== objectProto) {
    const keys = ownKeys(o);
    for (const [what, shape] of KERNEL_SHAPES) if (shape.every((k) => keys.includes(k))) return `${what} (its prototype chain is not this realm's)`;
    return "its prototype chain does not end at this realm's Object.prototype";
  }
  return undefined;
}

export interface Survey {
  /** Objects (and functions) reached. */
  readonly visited: number;
  /** Path and reason of every foreign object reached; the walk does not go on past them. */
  readonly foreign: readonly string[];
}

const isObject = (v: unknown): v is object => (typeof v === 'object' && v !== null) || typeof v === 'function';

const keyPath = (k: PropertyKey): string => (typeof k === 'symbol' ? `[${String(k)}]` : `.${String(k)}`);

/**
 * Walks everything reachable from `roots`: own properties and symbols (values, getter and
 * setter functions), prototypes, what getters return for the object they are reached on, and
 * the entries of maps and sets. Reading a property may throw (poison-pill getters, brand
 * checks): such errors are ignored, the error objects themselves are walked.
 */
export function survey(roots: readonly (readonly [string, unknown])[]): Survey {
  const seen = new Set<object>();
  const queue: [object, string][] = [];
  const reach = (v: unknown, path: string): void => {
    if (!isObject(v) || seen.has(v)) return;
    seen.add(v);
    queue.push([v, path]);
  };
  for (const [name, v] of roots) reach(v, name);
  const foreign: string[] = [];
  for (let i = 0; i < queue.length; i++) {
    const [o, path] = queue[i]!;
    let why: string | undefined;
    try {
      why = whyForeign(o);
    } catch (e) {
      why = 'its prototype cannot be read';
      reach(e, `${path}<error>`);
    }
    if (why !== undefined) {
      foreign.push(`${path} (${why})`);
      continue;
    }
    let keys: (string | symbol)[] = [];
    try { keys = ownKeys(o); } catch (e) { reach(e, `${path}<ownKeys error>`); }
    for (const k of keys) {
      let d: PropertyDescriptor | undefined;
      try { d = getOwnDescriptor(o, k); } catch (e) { reach(e, `${path}${keyPath(k)}<error>`); continue; }
      if (d === undefined) continue;
      if ('value' in d) reach(d.value, `${path}${keyPath(k)}`);
      if (d.get !== undefined) reach(d.get, `${path}${keyPath(k)}<get>`);
      if (d.set !== undefined) reach(d.set, `${path}${keyPath(k)}<set>`);
    }
    reach(getProto(o), `${path}.__proto__`);
    // What the getters of its prototype chain (and its own) return for this very object.
    const done = new Set<PropertyKey>();
    for (let p: object | null = o, steps = 0; p !== null && steps < 1000; p = getProto(p), steps++) {
      let pkeys: (string | symbol)[] = [];
      try { pkeys = ownKeys(p); } catch { /* walked above */ }
      for (const k of pkeys) {
        if (done.has(k)) continue;
        done.add(k);
        let get: ((this: unknown) => unknown) | undefined;
        try { get = getterOf(p, k); } catch { continue; }
        if (get === undefined) continue;
        try {
          reach(apply(get, o, []), `${path}${keyPath(k)}`);
        } catch (e) {
          reach(e, `${path}${keyPath(k)}<thrown>`);
        }
      }
    }
    if (succeeds(mapSize, o)) {
      apply(mapForEach, o, [(v: unknown, k: unknown) => { reach(k, `${path}<map key>`); reach(v, `${path}<map value>`); }]);
    } else if (succeeds(setSize, o)) {
      apply(setForEach, o, [(v: unknown) => reach(v, `${path}<set entry>`)]);
    }
  }
  return { visited: seen.size, foreign };
}

// ---- the domain ---------------------------------------------------------------------------------

type CodeFactory = (source: string) => () => unknown;

/** Calls `ctor` as the Function constructor; it must throw for the attempt to be blocked. */
function compile(ctor: unknown): string {
  const made = (ctor as CodeFactory)('return process')();
  const what = typeof made === 'object' && made !== null && 'versions' in made ? "the host's process object" : `a value of type ${typeof made}`;
  return `code generation from a string worked and returned ${what}`;
}

/** The constructor of the constructor of `o`: Function, when `o` is an ordinary object. */
const ctorCtor = (o: unknown): unknown => ((o as { constructor: { constructor: unknown } }).constructor).constructor;

export function create(sys: Syscalls, target: Echo): Probe {
  /** Cells returned by the target, kept so the probe owns shared-heap objects (reclaimed when it dies). */
  const kept: RRef<Cell>[] = [];
  /** What the Echo the probe exports receives when the target calls back. */
  const received: unknown[] = [];
  /** Set during a call back from the target: takes a stack trace there. */
  let onCallback: (() => void) | undefined;

  // An Echo of the probe's own: the target's forward() calls back into it, so the probe can
  // look at the stack while a call through the target is running.
  const self: Echo = {
    ping: () => ok(undefined),
    add(a: number, b: number): RpcResult<number> {
      received.push(this, a, b);
      onCallback?.();
      return ok(a + b);
    },
    bump: (cell) => ok(cell),
    peek: (cell) => ok(cell.get('value')),
    consume: (bytes) => ok(bytes.length),
    later: (value) => sys.sleep(0).then(() => ok(value)),
    forward: (next, a, b) => next.add(a, b),
    crash: () => ok(undefined),
    crashVia: () => ok(undefined),
    laterVia: (next, value, ms) => next.later(value, ms),
    calls: () => ok(0),
    pair: (first, second) => ok({ first: second, second: first, sum: first.get('value') + second.get('value') }),
    sysInfo: async () => ok({ domainId: sys.domainId(), objects: 0, bytes: 0, waitedMs: 0 }),
  };

  /** A bump with a handle that was already moved away: an Err of this realm, the target unharmed. */
  const staleBump = (): RpcResult<RRef<Cell>> => {
    const cell = RRef.new(Cell, { value: 1 });
    const first = target.bump(cell);
    if (first.ok) kept.push(first.value);
    return target.bump(cell);
  };

  return {
    audit(): RpcResult<string> {
      const roots: [string, unknown][] = [['globalThis', globalThis], ['sys', sys], ['target', target], ['self', self]];
      roots.push(['ping()', target.ping()], ['add()', target.add(2, 3)]);
      const cell = RRef.new(Cell, { value: 1 });
      const bumped = target.bump(cell);
      roots.push(['cell (moved)', cell], ['bump()', bumped]);
      if (bumped.ok) {
        kept.push(bumped.value);
        roots.push(['peek()', target.peek(bumped.value)]);
      }
      roots.push(['bump(stale)', staleBump()]);
      roots.push(['consume()', target.consume(RRefVec.from(u8, [1, 2, 3]))]);
      roots.push(['forward()', target.forward(self, 1, 2)], ['received', received]);
      roots.push(['later()', target.later(1, 0)], ['calls()', target.calls()]);
      roots.push(['sys.heapStats()', sys.heapStats()], ['sys.sleep()', sys.sleep(0)], ['sys.yield()', sys.yield()]);
      try { sys.spawn('x', 42 as never); } catch (e) { roots.push(['spawn error', e]); }
      try { cell.get('value'); } catch (e) { roots.push(['moved handle error', e]); }
      const found = survey(roots);
      return ok(`visited ${found.visited} objects; foreign: ${found.foreign.length === 0 ? 'none' : found.foreign.join(', ')}`);
    },

    escape(): RpcResult<string> {
      const lines: string[] = [];
      /** `attack` returns what it got out (an escape) or undefined, or throws (blocked). */
      const attempt = (name: string, attack: () => string | undefined): void => {
        let got: string | undefined;
        try {
          got = attack();
        } catch {
          got = undefined;
        }
        lines.push(got === undefined ? `${name}: blocked` : `${name}: ESCAPED (${got})`);
      };
      /** An attack that needs something first: when `setup` fails, the line says so (neither blocked nor escaped). */
      const attemptWith = <T>(name: string, setup: () => T | undefined, attack: (v: T) => string | undefined): void => {
        let v: T | undefined;
        try { v = setup(); } catch { v = undefined; }
        if (v === undefined) lines.push(`${name}: not tried (its setup failed)`);
        else attempt(name, () => attack(v));
      };

      attempt('sys.print.constructor', () => compile((sys.print as unknown as { constructor: unknown }).constructor));
      attempt('sys.constructor.constructor', () => compile(ctorCtor(sys)));
      attempt('target.constructor.constructor', () => compile(ctorCtor(target)));
      attempt('globalThis.constructor.constructor', () => compile(ctorCtor(globalThis)));
      attempt('ping() result constructor chain', () => compile(ctorCtor(target.ping())));
      attemptWith(
        'RpcError constructor chain',
        () => {
          const r = staleBump();
          return !r.ok && r.error.kind === 'bad-argument' ? r.error : undefined;
        },
        (error) => compile(ctorCtor(error)),
      );
      attempt('sleep() promise constructor chain', () => compile(ctorCtor(getProto(sys.sleep(0)))));
      attempt('later() promise constructor chain', () => compile(ctorCtor(target.later(1, 0))));
      attemptWith(
        'syscall error constructor chain',
        () => {
          try { sys.spawn('x', 42 as never); } catch (e) { return e as object; }
          return undefined;
        },
        (e) => compile(ctorCtor(e)),
      );
      attemptWith(
        'moved handle error constructor chain',
        () => {
          const cell = RRef.new(Cell, { value: 1 });
          const r = target.bump(cell);
          if (r.ok) kept.push(r.value);
          try { cell.get('value'); } catch (e) { return e as object; }
          return undefined;
        },
        (e) => compile(ctorCtor(e)),
      );
      attemptWith(
        'stack frames of a call through target',
        () => {
          let sites: unknown;
          const E = Error as { prepareStackTrace?: unknown };
          const before = E.prepareStackTrace;
          E.prepareStackTrace = (_e: unknown, frames: unknown): unknown => frames;
          onCallback = () => { sites = (new Error('probe') as { stack?: unknown }).stack; };
          try {
            target.forward(self, 1, 2);
          } finally {
            onCallback = undefined;
            if (before === undefined) delete E.prepareStackTrace;
            else E.prepareStackTrace = before;
          }
          return Array.isArray(sites) && sites.length > 0 ? (sites as unknown[]) : undefined;
        },
        (sites) => {
          const found: string[] = [];
          const check = (what: string, v: unknown): void => {
            if (!isObject(v)) return;
            const why = whyForeign(v);
            if (why !== undefined) {
              let process = '';
              try { process = `; ${compile(ctorCtor(v))}`; } catch { /* its realm refuses code generation */ }
              found.push(`${what}: ${why}${process}`);
            }
          };
          check('the call-site array', sites);
          sites.forEach((site, i) => {
            check(`call site ${i}`, site);
            const s = site as { getFunction?: () => unknown; getThis?: () => unknown };
            try { check(`call site ${i} getFunction()`, s.getFunction?.()); } catch { /* refused */ }
            try { check(`call site ${i} getThis()`, s.getThis?.()); } catch { /* refused */ }
          });
          return found.length === 0 ? undefined : found.join('; ');
        },
      );
      // The stub's class is reachable (its prototype's constructor): it must give away neither
      // the stub's link nor a stub built on a link of the domain's own making.
      attemptWith(
        "the Echo stub class's statics",
        () => (getProto(target) as { constructor?: object } | null)?.constructor,
        (Stub) => {
          const found: string[] = [];
          for (const key of ownKeys(Stub)) {
            const d = getOwnDescriptor(Stub, key);
            const v = d !== undefined && 'value' in d ? (d.value as unknown) : undefined;
            if (typeof v !== 'function') continue;
            try {
              const got = (v as (o: unknown) => unknown)(target);
              if (isObject(got)) found.push(`${String(key)}(target) returned an object: ${whyForeign(got) ?? 'of this realm'}`);
            } catch { /* refused */ }
          }
          return found.length === 0 ? undefined : found.join('; ');
        },
      );
      attemptWith(
        'a stub forged from the Echo stub class',
        () => (getProto(target) as { constructor?: unknown } | null)?.constructor as (new (...args: unknown[]) => Echo) | undefined,
        (Stub) => {
          // A link of the probe's own: a stub built on it would hand the probe's function to
          // whichever domain it is passed to.
          const fakeLink = { target: { ping: () => undefined }, callee: 1, iface: 'Echo', domain: 'forged' };
          const forged = new Stub({}, {}, fakeLink);
          return isObject(forged) ? 'constructed a stub on a forged link' : undefined;
        },
      );
      return ok(lines.join('\n'));
    },
  };
}
