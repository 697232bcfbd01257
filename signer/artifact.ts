// Signed domain artifacts: a bundle and a DSSE envelope whose payload is a statement about it
// (which domain, the bundle's hash, the digests of the interfaces it was built against, the
// checker and policy that passed it, the capabilities it asks for, who signed and when).
// verifyArtifact is what the kernel runs before it evaluates a single byte of the bundle.
import { createHash, createPublicKey } from 'node:crypto';
import type { DomainBundle, DomainManifest } from '../runtime/kernel/bundle.ts';
import { signEnvelope, verifySignature } from './envelope.ts';
import type { Envelope } from './envelope.ts';
import type { SigningKey, TrustedKey } from './keys.ts';

export const ARTIFACT_FORMAT = 'redleaf-domain-artifact/1';
export const STATEMENT_TYPE = 'application/vnd.redleaf.domain-statement+json';
export const STATEMENT_KIND = 'https://redleaf-ts.dev/statement/domain/v1';

export interface Statement {
  readonly _type: typeof STATEMENT_KIND;
  /** domain.json as it was signed. */
  readonly domain: DomainManifest;
  readonly bundle: { readonly sha256: string; readonly bytes: number };
  /** Digest of every IDL interface the domain is created through, exports and imports, by name. */
  readonly interfaces: Readonly<Record<string, string>>;
  readonly checker: { readonly tool: string; readonly version: string; readonly policy: string; readonly report?: string };
  readonly capabilities: readonly string[];
  readonly keyid: string;
  readonly signedAt: string;
}

export interface Artifact {
  readonly format: typeof ARTIFACT_FORMAT;
  readonly envelope: Envelope;
  /** The bundle's code (what the statement's bundle.sha256 names). */
  readonly bundle: string;
}

export type RefusalReason =
  | 'malformed' | 'unsigned' | 'untrusted-key' | 'bad-signature' | 'bundle-hash' | 'idl-digest' | 'checker-version' | 'capability';

/** Why the kernel refused an artifact, before evaluating any of its code. */
export class ArtifactRefused extends Error {
  constructor(readonly reason: RefusalReason, message: string) {
    super(`${message} [${reason}]`);
    this.name = 'ArtifactRefused';
  }
}

/** What the kernel accepts. */
export interface TrustPolicy {
  readonly trusted: readonly TrustedKey[];
  /** The kernel's own interface digests (its generated glue's). */
  readonly interfaceDigests: Readonly<Record<string, string>>;
  readonly acceptedPolicies: readonly string[];
  readonly acceptedTools: readonly string[];
  /** Capabilities this kernel can grant. */
  readonly grantable: ReadonlySet<string>;
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The interfaces a manifest names: its create trait, its exports and its imports. */
export function interfacesOf(manifest: DomainManifest): string[] {
  return [...new Set([manifest.create, ...manifest.exports, ...manifest.imports])].sort();
}

export function makeArtifact(
  bundle: DomainBundle,
  key: SigningKey,
  checker: Statement['checker'],
  interfaceDigests: Readonly<Record<string, string>>,
  now: Date = new Date(),
): Artifact {
  const interfaces: Record<string, string> = {};
  for (const name of interfacesOf(bundle.manifest)) {
    const d = interfaceDigests[name];
    if (d === undefined) throw new Error(`${bundle.manifest.name}: interface ${name} is not in the IDL`);
    interfaces[name] = d;
  }
  const statement: Statement = {
    _type: STATEMENT_KIND,
    domain: bundle.manifest,
    bundle: { sha256: sha256(bundle.code), bytes: Buffer.byteLength(bundle.code) },
    interfaces,
    checker,
    capabilities: [...bundle.manifest.capabilities].sort(),
    keyid: key.keyid,
    signedAt: now.toISOString(),
  };
  const envelope = signEnvelope(STATEMENT_TYPE, Buffer.from(JSON.stringify(statement), 'utf8'), key.privateKey, key.keyid);
  return { format: ARTIFACT_FORMAT, envelope, bundle: bundle.code };
}

export function serializeArtifact(a: Artifact): string {
  return JSON.stringify({ format: a.format, envelope: { payloadType: a.envelope.payloadType, payload: a.envelope.payload, signatures: a.envelope.signatures.map((s) => ({ keyid: s.keyid, sig: s.sig })) }, bundle: a.bundle });
}

/** Base64 in its one canonical spelling (Node's decoder skips stray characters and unused bits). */
const canonicalBase64 = (text: string): boolean => Buffer.from(text, 'base64').toString('base64') === text;

/**
 * Parses an artifact file's text. Anything but the exact canonical form is `malformed`, so no
 * byte of an artifact can change without it being refused.
 */
export function parseArtifact(text: string): Artifact {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new ArtifactRefused('malformed', `not an artifact: ${(e as Error).message}`);
  }
  const a = raw as Partial<Artifact> | null;
  if (a === null || typeof a !== 'object' || a.format !== ARTIFACT_FORMAT) throw new ArtifactRefused('malformed', `not an artifact of format ${ARTIFACT_FORMAT}`);
  if (typeof a.bundle !== 'string') throw new ArtifactRefused('malformed', 'the artifact has no bundle');
  const env = a.envelope as Partial<Envelope> | undefined;
  if (env === undefined || typeof env !== 'object' || env === null) throw new ArtifactRefused('unsigned', 'the artifact carries no signed statement');
  if (typeof env.payloadType !== 'string' || typeof env.payload !== 'string' || !Array.isArray(env.signatures)) {
    throw new ArtifactRefused('malformed', 'the envelope is not a DSSE envelope');
  }
  for (const s of env.signatures) {
    if (typeof s !== 'object' || s === null || typeof (s as { keyid?: unknown }).keyid !== 'string' || typeof (s as { sig?: unknown }).sig !== 'string') {
      throw new ArtifactRefused('malformed', 'a signature of the envelope is not { keyid, sig }');
    }
  }
  if (!canonicalBase64(env.payload) || env.signatures.some((s) => !canonicalBase64((s as { sig: string }).sig))) {
    throw new ArtifactRefused('malformed', 'the envelope holds base64 that is not in canonical form');
  }
  if (serializeArtifact(a as Artifact) !== text) throw new ArtifactRefused('malformed', 'the artifact is not in canonical form (it was edited)');
  return a as Artifact;
}

/**
 * Checks an artifact against the kernel's policy, in the order that names the first thing
 * wrong: its form, its signature, its bundle, its interfaces, its checker, its capabilities.
 * Returns the signed statement and the bundle to evaluate.
 */
export function verifyArtifact(a: Artifact, policy: TrustPolicy): { statement: Statement; bundle: DomainBundle } {
  const env = a.envelope;
  if (env.signatures.length === 0) throw new ArtifactRefused('unsigned', 'the artifact is not signed');
  const trustedSig = env.signatures.find((s) => policy.trusted.some((k) => k.keyid === s.keyid));
  if (trustedSig === undefined) {
    throw new ArtifactRefused('untrusted-key', `signed by ${env.signatures.map((s) => s.keyid.slice(0, 16)).join(', ')}, which this kernel does not trust (add the public key to the trusted-keys file)`);
  }
  const key = policy.trusted.find((k) => k.keyid === trustedSig.keyid)!;
  if (!verifySignature(env, trustedSig.sig, createPublicKey(key.publicKey))) {
    throw new ArtifactRefused('bad-signature', `the signature by ${key.name} does not verify: the statement was altered or signed by another key`);
  }
  if (env.payloadType !== STATEMENT_TYPE) throw new ArtifactRefused('malformed', `the envelope holds ${env.payloadType}, not a domain statement`);
  let statement: Statement;
  try {
    statement = JSON.parse(Buffer.from(env.payload, 'base64').toString('utf8')) as Statement;
  } catch {
    throw new ArtifactRefused('malformed', 'the signed statement is not JSON');
  }
  if (statement._type !== STATEMENT_KIND || typeof statement.domain?.name !== 'string' || typeof statement.bundle?.sha256 !== 'string') {
    throw new ArtifactRefused('malformed', 'the signed statement is not a domain statement');
  }
  const name = statement.domain.name;
  if (statement.keyid !== trustedSig.keyid) throw new ArtifactRefused('bad-signature', `${name}: the statement names key ${statement.keyid.slice(0, 16)}, but was signed by ${trustedSig.keyid.slice(0, 16)}`);
  if (sha256(a.bundle) !== statement.bundle.sha256) throw new ArtifactRefused('bundle-hash', `${name}: the bundle does not match the hash its statement signs`);
  for (const iface of interfacesOf(statement.domain)) {
    const theirs = statement.interfaces[iface], ours = policy.interfaceDigests[iface];
    if (theirs === undefined || ours === undefined || theirs !== ours) {
      throw new ArtifactRefused('idl-digest', `${name} was built against another version of interface ${iface} than this kernel's (rebuild and sign it)`);
    }
  }
  if (!policy.acceptedTools.includes(statement.checker?.tool) || !policy.acceptedPolicies.includes(statement.checker?.policy)) {
    throw new ArtifactRefused('checker-version', `${name} was checked by ${statement.checker?.tool} with policy ${statement.checker?.policy}; this kernel accepts policy ${policy.acceptedPolicies.join(', ')}`);
  }
  for (const c of statement.capabilities) {
    if (!policy.grantable.has(c)) throw new ArtifactRefused('capability', `${name} asks for capability '${c}', which this kernel cannot grant`);
  }
  const same = JSON.stringify([...statement.capabilities].sort()) === JSON.stringify([...statement.domain.capabilities].sort());
  if (!same) throw new ArtifactRefused('capability', `${name}: the statement's capabilities differ from its domain.json's`);
  return { statement, bundle: { manifest: statement.domain, code: a.bundle } };
}
