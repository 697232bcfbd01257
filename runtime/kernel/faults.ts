// Fault attribution (invariant I5): an unhandled rejection or an uncaught exception raised by a
// domain's code crashes that domain, not the kernel.
//
// Every realm has its own intrinsics, so a promise made by a domain's code (an async function,
// Promise.reject, a .then chain) is an instance of that realm's Promise, and an error it throws
// is (usually) an instance of that realm's Error: the prototype chain names the realm. Values
// that carry no realm (a thrown primitive from a realm-less callback) cannot be attributed and
// are left to the host's default handling, as are faults of the kernel itself.
import type { Realm } from './realm.ts';

export type FaultKind = 'unhandled-rejection' | 'uncaught-exception';

export interface Fault {
  readonly domain: number;
  readonly kind: FaultKind;
  /** The rejection reason or thrown value, described safely (no domain code runs to describe it). */
  readonly description: string;
}

interface Registered {
  readonly domain: number;
  readonly promiseProto: object;
  readonly errorProto: object;
  readonly objectProto: object;
}

export class FaultRouter {
  private readonly realms: Registered[] = [];
  private installed = false;
  private readonly onRejection = (reason: unknown, promise: Promise<unknown>): void => {
    const domain = this.domainOfPromise(promise) ?? this.domainOfValue(reason);
    if (domain === undefined) throw reason; // not a domain's: the host's default (a crash) applies
    this.report({ domain, kind: 'unhandled-rejection', description: describe(reason) });
  };
  private readonly onException = (error: unknown): void => {
    const domain = this.domainOfValue(error);
    if (domain === undefined) {
      // Not a domain's: restore the default behaviour for the kernel's own faults.
      this.uninstall();
      throw error;
    }
    this.report({ domain, kind: 'uncaught-exception', description: describe(error) });
  };

  constructor(private readonly report: (fault: Fault) => void) {}

  /** Starts routing process-level faults; call once, when the kernel boots. */
  install(): void {
    if (this.installed) return;
    process.on('unhandledRejection', this.onRejection);
    process.on('uncaughtException', this.onException);
    this.installed = true;
  }

  uninstall(): void {
    if (!this.installed) return;
    process.off('unhandledRejection', this.onRejection);
    process.off('uncaughtException', this.onException);
    this.installed = false;
  }

  /** Attributes faults of `realm`'s objects to `domain` from now on. */
  register(realm: Realm, domain: number): void {
    const intrinsic = (name: string): object => realm.evaluate(`${name}.prototype`, `<intrinsics of ${realm.name}>`) as object;
    this.realms.push({ domain, promiseProto: intrinsic('Promise'), errorProto: intrinsic('Error'), objectProto: intrinsic('Object') });
  }

  /** Forgets a domain (after it was terminated and reclaimed). */
  unregister(domain: number): void {
    for (let i = this.realms.length - 1; i >= 0; i--) if (this.realms[i]!.domain === domain) this.realms.splice(i, 1);
  }

  /** The domain whose realm made `promise`, if any. */
  domainOfPromise(promise: unknown): number | undefined {
    const proto = protoOf(promise);
    return this.realms.find((r) => r.promiseProto === proto)?.domain;
  }

  /** The domain whose realm made `value` (an error or any object of it), if any. */
  domainOfValue(value: unknown): number | undefined {
    // Walk the prototype chain without running domain code: Object.getPrototypeOf on an
    // ordinary object never calls into it (a Proxy would; domains cannot create one).
    for (let p = protoOf(value), steps = 0; p !== null && steps < 32; p = protoOf(p), steps++) {
      const owner = this.realms.find((r) => r.errorProto === p || r.objectProto === p || r.promiseProto === p);
      if (owner) return owner.domain;
    }
    return undefined;
  }
}

function protoOf(value: unknown): object | null {
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return null;
  return Object.getPrototypeOf(value) as object | null;
}

/** Describes a value from a domain without calling its methods (no toString, no getters). */
export function describe(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  // Data properties only, found along the prototype chain: a getter would run domain code.
  const data = (key: string): unknown => {
    for (let o: object | null = value, steps = 0; o !== null && steps < 32; o = protoOf(o), steps++) {
      const d = Object.getOwnPropertyDescriptor(o, key);
      if (d !== undefined) return 'value' in d ? d.value : undefined;
    }
    return undefined;
  };
  const message = data('message');
  const name = data('name');
  if (typeof message === 'string') return typeof name === 'string' ? `${name}: ${message}` : message;
  return '[object]';
}
