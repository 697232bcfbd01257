// Host objects the kernel exports through its own gate (rv6's loader and console are such
// services): a throw in one fails that call for the domain that made it; it does not end the
// kernel's gate, through which the host calls every domain.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Callee } from '../../runtime/idl/bench.ts';
import { dispatcherOfCallee, linkOfCallee, stubOfCaller } from '../../runtime/idl/generated/bench.ts';
import { stubOfEcho } from '../../runtime/idl/generated/test.ts';
import { ok } from '../../runtime/lib/index.ts';
import type { RpcResult } from '../../runtime/lib/index.ts';
import { bundleDomain } from '../../runtime/kernel/bundle.ts';
import type { Kernel } from '../../runtime/kernel/kernel.ts';
import { signBundle } from '../../signer/sign.ts';
import { testBundle, testKernel, testKey } from './support.ts';

let kernel: Kernel | undefined;
afterEach(() => {
  kernel?.shutdown();
  kernel = undefined;
});

describe('host services', () => {
  it('fail the call that made a host object throw, and keep the kernel gate up', async () => {
    const t = testKernel();
    kernel = t.kernel;
    let calls = 0;
    const buggy: Callee = {
      nop(): RpcResult<undefined> {
        calls++;
        if (calls === 1) throw new Error('a host service bug');
        return ok(undefined);
      },
      swap: (cell) => ok(cell),
      look: () => ok(undefined),
    };
    const link = t.kernel.gate.linkFor(buggy, 'Callee', linkOfCallee, dispatcherOfCallee);
    const caller = signBundle(await bundleDomain(fileURLToPath(new URL('../../bench/domains/caller/', import.meta.url))), testKey);
    const first = t.kernel.connect(t.kernel.load(caller, { args: [link] }).exports[0]!, stubOfCaller);
    // The caller domain sees its call fail (and, as written, gives up: it crashes).
    const r = first.run('nop', 1);
    expect(r.ok).toBe(false);
    expect(calls).toBe(1);
    // The host still reaches domains, and the service still answers other callers.
    const echo = t.kernel.connect(t.kernel.load(await testBundle('echo'), { args: ['after', 0, 0] }).exports[0]!, stubOfEcho);
    expect(echo.ping()).toEqual({ ok: true, value: undefined });
    const second = t.kernel.connect(t.kernel.load(caller, { args: [link] }).exports[0]!, stubOfCaller);
    expect(second.run('nop', 3).ok).toBe(true);
    expect(calls).toBe(4);
  });
});
