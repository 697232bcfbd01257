// Signing keys and the trusted-keys file. A key pair is two PEM files: the private key (PKCS#8,
// encrypted with AES-256 when a passphrase is given) and the public key (SPKI). The kernel
// trusts the public keys listed in a trusted-keys file, by key id.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { keyIdOf } from './envelope.ts';

/** The environment variable a passphrase for the private key is read from. */
export const PASSPHRASE_ENV = 'REDLEAF_SIGN_PASSPHRASE';

export interface SigningKey {
  readonly keyid: string;
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

export interface TrustedKey {
  readonly keyid: string;
  readonly name: string;
  readonly publicKey: string;
}

export class KeyError extends Error {}

export function generateKey(): SigningKey {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  return { keyid: keyIdOf(publicKey), privateKey, publicKey };
}

/** Writes `<base>.key` (private, mode 0600) and `<base>.pub`; refuses to overwrite. */
export function writeKeyPair(key: SigningKey, base: string, passphrase: string | undefined): { privateFile: string; publicFile: string } {
  const privateFile = `${base}.key`, publicFile = `${base}.pub`;
  for (const f of [privateFile, publicFile]) if (existsSync(f)) throw new KeyError(`${f} exists; remove it first or choose another name`);
  mkdirSync(path.dirname(path.resolve(privateFile)), { recursive: true });
  const pem = passphrase === undefined || passphrase === ''
    ? key.privateKey.export({ type: 'pkcs8', format: 'pem' })
    : key.privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase });
  writeFileSync(privateFile, pem, { mode: 0o600 });
  chmodSync(privateFile, 0o600);
  writeFileSync(publicFile, key.publicKey.export({ type: 'spki', format: 'pem' }));
  return { privateFile, publicFile };
}

export function readSigningKey(privateFile: string, passphrase: string | undefined): SigningKey {
  let text: string;
  try {
    text = readFileSync(privateFile, 'utf8');
  } catch (e) {
    throw new KeyError(`cannot read the private key ${privateFile}: ${(e as Error).message}`, { cause: e });
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(passphrase === undefined || passphrase === '' ? { key: text } : { key: text, passphrase });
  } catch (e) {
    const encrypted = text.includes('ENCRYPTED');
    throw new KeyError(encrypted ? `the private key ${privateFile} is encrypted: set ${PASSPHRASE_ENV} to its passphrase (or the passphrase is wrong)` : `${privateFile} is not a private key`, { cause: e });
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new KeyError(`${privateFile} is not an Ed25519 key`);
  const publicKey = createPublicKey(privateKey);
  return { keyid: keyIdOf(publicKey), privateKey, publicKey };
}

export function trustedKeyOf(key: SigningKey | KeyObject, name: string): TrustedKey {
  const pub = 'publicKey' in key ? key.publicKey : key;
  return { keyid: keyIdOf(pub), name, publicKey: pub.export({ type: 'spki', format: 'pem' }) as string };
}

/** Reads a trusted-keys file: `{ "keys": [{ "keyid", "name", "publicKey" }] }`; each key id is recomputed. */
export function readTrustedKeys(file: string): TrustedKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new KeyError(`cannot read the trusted keys ${file}: ${(e as Error).message}`, { cause: e });
  }
  const keys = (raw as { keys?: unknown }).keys;
  if (!Array.isArray(keys)) throw new KeyError(`${file}: expected { "keys": [...] }`);
  return keys.map((k: unknown, i) => {
    const { keyid, name, publicKey } = (k ?? {}) as Record<string, unknown>;
    if (typeof keyid !== 'string' || typeof publicKey !== 'string') throw new KeyError(`${file}: key ${i} needs "keyid" and "publicKey"`);
    const actual = keyIdOf(createPublicKey(publicKey));
    if (actual !== keyid) throw new KeyError(`${file}: key ${i} claims id ${keyid} but its public key has id ${actual}`);
    return { keyid, name: typeof name === 'string' ? name : keyid.slice(0, 12), publicKey };
  });
}

export function writeTrustedKeys(file: string, keys: readonly TrustedKey[]): void {
  mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  writeFileSync(file, `${JSON.stringify({ keys }, null, 2)}\n`);
}
