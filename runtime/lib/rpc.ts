// RpcResult: what every cross-domain method returns (RedLeaf's RpcResult<T>). A call either
// produced a value, or failed because the callee crashed or was dead: a caller must look before
// it uses the value (the checker's rpc-result-must-be-used rule), as Rust's `?` would make it.
//
// RpcError is unforgeable (invariant I6): its constructor demands a token only trusted code
// (the library's internal entry, used by the kernel's proxies) holds.

const token: unique symbol = Symbol('rpc-error');

export type RpcErrorKind = 'callee-crashed' | 'callee-dead' | 'bad-argument';

export class RpcError {
  readonly kind: RpcErrorKind;
  readonly message: string;
  /** Name of the domain that failed, for the caller's diagnostics. */
  readonly domain: string;

  /** @internal */
  constructor(key: typeof token, kind: RpcErrorKind, domain: string, message: string) {
    if (key !== token) throw new TypeError('RpcError cannot be constructed by domain code');
    this.kind = kind;
    this.domain = String(domain);
    this.message = String(message);
    Object.freeze(this);
  }

  toString(): string {
    return `RpcError(${this.kind}) from ${this.domain}: ${this.message}`;
  }
}

export type RpcOk<T> = { readonly ok: true; readonly value: T };
export type RpcErr = { readonly ok: false; readonly error: RpcError };
export type RpcResult<T> = RpcOk<T> | RpcErr;

/**
 * A successful result; domain code returns these from its implementations. Not frozen: it is
 * the domain's own object (the proxy copies what crosses), and freezing costs more than a call.
 */
export function ok<T>(value: T): RpcOk<T> {
  return { ok: true, value };
}

/** @internal For the kernel's proxies only (re-exported by internal.ts, not by index.ts). */
export function rpcError(kind: RpcErrorKind, domain: string, message: string): RpcErr {
  return Object.freeze({ ok: false, error: new RpcError(token, kind, domain, message) }) as RpcErr;
}
