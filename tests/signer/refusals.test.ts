// Verified loading (I7): the kernel refuses, before evaluating any code, every artifact that is
// not signed by a key it trusts, does not match its signed statement, was built against other
// interfaces, was checked by a policy it does not accept, or asks for what it cannot grant.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { bundleDomain } from '../../runtime/kernel/bundle.ts';
import { Kernel } from '../../runtime/kernel/kernel.ts';
import type { KernelOptions } from '../../runtime/kernel/kernel.ts';
import { stubOfEcho } from '../../runtime/idl/generated/test.ts';
import { interfaceDigests } from '../../runtime/idl/generated/index.ts';
import { ArtifactRefused, parseArtifact, serializeArtifact } from '../../signer/artifact.ts';
import type { Artifact, RefusalReason } from '../../signer/artifact.ts';
import { signEnvelope } from '../../signer/envelope.ts';
import { generateKey, trustedKeyOf } from '../../signer/keys.ts';
import { signBundle } from '../../signer/sign.ts';
import { domainDir, testBundle, testKey } from '../kernel/support.ts';

const kernels: Kernel[] = [];
afterEach(() => { for (const k of kernels.splice(0)) k.shutdown(); });

function kernel(options: Partial<KernelOptions> = {}): Kernel {
  const k = new Kernel({ trusted: [trustedKeyOf(testKey, 'test')], heap: { size: 4 * 1024 * 1024, maxObjects: 4096 }, console: () => {}, ...options });
  kernels.push(k);
  return k;
}

const args = ['signed', 0, 0];

/** Loads, expecting a refusal for `reason`; checks nothing of the domain came to exist. */
function refused(k: Kernel, artifact: Artifact | string, reason: RefusalReason): string {
  const before = k.domains().length;
  let error: unknown;
  try { k.load(artifact, { args }); } catch (e) { error = e; }
  expect(error).toBeInstanceOf(ArtifactRefused);
  expect((error as ArtifactRefused).reason).toBe(reason);
  expect(k.domains().length).toBe(before);
  expect(k.heap.totals().owners.size).toBe(0);
  return (error as Error).message;
}

describe('verified loading', () => {
  it('loads a signed artifact, and its file text', async () => {
    const a = await testBundle('echo');
    const k = kernel();
    const d = k.load(serializeArtifact(a), { args });
    expect(k.connect(d.exports[0]!, stubOfEcho).add(1, 2)).toEqual({ ok: true, value: 3 });
  });

  it('refuses what is not an artifact', () => {
    const k = kernel();
    refused(k, 'console.log("hi")', 'malformed');
    refused(k, JSON.stringify({ format: 'something else', bundle: '' }), 'malformed');
  });

  it('refuses an unsigned bundle', async () => {
    const a = await testBundle('echo');
    refused(kernel(), { ...a, envelope: { ...a.envelope, signatures: [] } }, 'unsigned');
    expect(() => parseArtifact(JSON.stringify({ format: a.format, bundle: a.bundle }))).toThrow(/not signed|no signed statement/);
  });

  it('refuses a key it does not trust, and a key it stopped trusting (rotation)', async () => {
    const other = generateKey();
    const a = signBundle(await bundleDomain(domainDir('echo')), other);
    expect(refused(kernel(), a, 'untrusted-key')).toMatch(/does not trust/);
    // Rotation: the kernel now trusts only the new key; the old key's artifacts are refused.
    const rotated = kernel({ trusted: [trustedKeyOf(other, 'new')] });
    expect(() => rotated.load(a, { args })).not.toThrow();
    refused(rotated, await testBundle('echo'), 'untrusted-key');
  });

  it('refuses a statement changed after signing', async () => {
    const a = await testBundle('echo');
    const statement = JSON.parse(Buffer.from(a.envelope.payload, 'base64').toString('utf8')) as { capabilities: string[] };
    const forged = Buffer.from(JSON.stringify({ ...statement, signedAt: '2000-01-01T00:00:00.000Z' })).toString('base64');
    refused(kernel(), { ...a, envelope: { ...a.envelope, payload: forged } }, 'bad-signature');
  });

  it('refuses a signature made for another payload type (DSSE binds the type)', async () => {
    const a = await testBundle('echo');
    const payload = Buffer.from(a.envelope.payload, 'base64');
    const env = signEnvelope('application/json', payload, testKey.privateKey, testKey.keyid);
    refused(kernel(), { ...a, envelope: { ...env, payloadType: a.envelope.payloadType } }, 'bad-signature');
  });

  it('refuses a bundle that is not the one signed', async () => {
    const a = await testBundle('echo');
    refused(kernel(), { ...a, bundle: a.bundle.replace('crash injected', 'crash inJected') }, 'bundle-hash');
  });

  it('refuses an artifact built against other interfaces (replayed after an IDL change)', async () => {
    const a = await testBundle('echo');
    const changedIdl = { ...interfaceDigests, Echo: '0'.repeat(64) };
    expect(refused(kernel({ policy: { interfaceDigests: changedIdl } }), a, 'idl-digest')).toMatch(/interface Echo/);
  });

  it('refuses a checker policy it does not accept', async () => {
    const a = await testBundle('echo');
    refused(kernel({ policy: { acceptedPolicies: ['2'] } }), a, 'checker-version');
    const old = signBundle(await bundleDomain(domainDir('echo')), testKey, { tool: 'redleaf-check', version: '0.0.1', policy: '0' });
    refused(kernel(), old, 'checker-version');
  });

  it('refuses a capability it cannot grant, and grants restart only when declared', async () => {
    const bundle = await bundleDomain(domainDir('echo'));
    const greedy = signBundle({ ...bundle, manifest: { ...bundle.manifest, capabilities: ['mmio:nic0'] } }, testKey);
    expect(refused(kernel(), greedy, 'capability')).toMatch(/mmio:nic0/);
    const k = kernel();
    expect(() => k.load(signBundle(bundle, testKey), { args, restart: () => { throw new Error('unused'); } })).toThrow(/did not declare the 'restart' capability/);
  });

  it('refuses an artifact with any one byte changed', async () => {
    const text = serializeArtifact(await testBundle('echo'));
    const k = kernel();
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), fc.integer({ min: 1, max: 255 }), (at, flip) => {
        const bytes = Buffer.from(text, 'latin1');
        bytes[at] = bytes[at]! ^ flip;
        const changed = bytes.toString('latin1');
        expect(() => k.load(changed, { args })).toThrow(ArtifactRefused);
      }),
      { numRuns: 300 },
    );
    expect(k.domains()).toEqual([]);
  });
});
