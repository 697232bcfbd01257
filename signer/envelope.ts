// DSSE envelopes (the Dead Simple Signing Envelope of in-toto and Sigstore): a payload, its
// type, and Ed25519 signatures over the pre-authentication encoding of both, so a signature
// never verifies for the same bytes presented as another type.
import { createHash, sign as edSign, verify as edVerify } from 'node:crypto';
import type { KeyObject } from 'node:crypto';

export interface Envelope {
  readonly payloadType: string;
  /** Base64 of the payload bytes. */
  readonly payload: string;
  readonly signatures: readonly { readonly keyid: string; readonly sig: string }[];
}

/** PAE(type, body) = "DSSEv1" SP LEN(type) SP type SP LEN(body) SP body, lengths in bytes, ASCII decimal. */
export function pae(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8');
  return Buffer.concat([Buffer.from(`DSSEv1 ${type.length} `), type, Buffer.from(` ${payload.length} `), payload]);
}

/** A key's id: SHA-256 of its public key (SPKI DER), hex. */
export function keyIdOf(publicKey: KeyObject): string {
  return createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex');
}

export function signEnvelope(payloadType: string, payload: Buffer, privateKey: KeyObject, keyid: string): Envelope {
  const sig = edSign(null, pae(payloadType, payload), privateKey);
  return { payloadType, payload: payload.toString('base64'), signatures: [{ keyid, sig: sig.toString('base64') }] };
}

/** True when `sig` is `publicKey`'s signature of the envelope's type and payload. */
export function verifySignature(env: Envelope, sig: string, publicKey: KeyObject): boolean {
  try {
    return edVerify(null, pae(env.payloadType, Buffer.from(env.payload, 'base64')), publicKey, Buffer.from(sig, 'base64'));
  } catch {
    return false;
  }
}
