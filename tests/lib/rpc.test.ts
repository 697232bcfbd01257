import { describe, expect, it } from 'vitest';
import { RpcError, ok } from '../../runtime/lib/index.ts';
import { rpcError } from '../../runtime/lib/internal.ts';

describe('RpcResult and RpcError (I6)', () => {
  it('wraps values as ok results', () => {
    expect(ok(5)).toEqual({ ok: true, value: 5 });
  });

  it('lets trusted code make errors that name the failed domain', () => {
    const r = rpcError('callee-crashed', 'nvme', 'panicked at request 7');
    expect(r.ok).toBe(false);
    expect(r.error).toBeInstanceOf(RpcError);
    expect(String(r.error)).toBe('RpcError(callee-crashed) from nvme: panicked at request 7');
    expect(Object.isFrozen(r.error)).toBe(true);
  });

  it('cannot be forged by domain code: no constructor, no subclass, no prototype copy', () => {
    const Ctor = RpcError as unknown as new (...a: unknown[]) => RpcError;
    expect(() => new Ctor(Symbol('rpc-error'), 'callee-dead', 'x', 'y')).toThrow(/cannot be constructed/);
    class Fake extends (RpcError as unknown as new (...a: unknown[]) => object) {
      constructor() {
        super(undefined, 'callee-dead', 'x', 'y');
      }
    }
    expect(() => new Fake()).toThrow(/cannot be constructed/);
    // An object made from the prototype is not an RpcError the kernel made: it has no fields.
    const fake = Object.create(RpcError.prototype) as RpcError;
    expect(fake.kind).toBeUndefined();
  });
});
