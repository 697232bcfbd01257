// Kernel.verify and loadVerified: an artifact checked once loads many times; the kernel honours
// only tokens it made, and verify refuses what load refuses.
import { afterEach, describe, expect, it } from 'vitest';
import { stubOfEcho } from '../../runtime/idl/generated/test.ts';
import type { Kernel, VerifiedArtifact } from '../../runtime/kernel/kernel.ts';
import { ArtifactRefused } from '../../signer/artifact.ts';
import { generateKey } from '../../signer/keys.ts';
import { signBundle } from '../../signer/sign.ts';
import { bundleDomain } from '../../runtime/kernel/bundle.ts';
import { domainDir, testBundle, testKernel } from './support.ts';

let current: Kernel | undefined;
afterEach(() => { current?.shutdown(); current = undefined; });

describe('verified artifacts', () => {
  it('loads a verified artifact as many instances, each its own domain', async () => {
    const t = testKernel();
    current = t.kernel;
    const token = t.kernel.verify(JSON.stringify(await testBundle('echo')));
    expect(token.name).toBe('echo');
    const a = t.kernel.loadVerified(token, { args: ['a', 0, 0] });
    const b = t.kernel.loadVerified(token, { args: ['b', 0, 0] });
    expect(a.id).not.toBe(b.id);
    expect(t.kernel.connect(a.exports[0]!, stubOfEcho).add(1, 2)).toEqual({ ok: true, value: 3 });
    t.kernel.crash(a.id, 'test');
    expect(t.kernel.connect(b.exports[0]!, stubOfEcho).add(2, 2)).toEqual({ ok: true, value: 4 });
  });

  it('honours only its own tokens', async () => {
    const t = testKernel();
    current = t.kernel;
    const forged: VerifiedArtifact = Object.freeze({ name: 'echo' });
    expect(() => t.kernel.loadVerified(forged)).toThrow(ArtifactRefused);
    const other = testKernel();
    const token = other.kernel.verify(await testBundle('echo'));
    other.kernel.shutdown();
    t.kernel.enter();
    expect(() => t.kernel.loadVerified(token, { args: ['x', 0, 0] })).toThrow(/not an artifact this kernel verified/);
  });

  it('refuses in verify what load refuses', async () => {
    const t = testKernel();
    current = t.kernel;
    const stranger = signBundle(await bundleDomain(domainDir('echo')), generateKey());
    expect(() => t.kernel.verify(stranger)).toThrow(/untrusted-key/);
  });
});
