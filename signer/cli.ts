// redleaf-sign: signing keys, signed domain artifacts, and the trusted-keys file the kernel
// reads. Default paths are in the repository's root (like redleaf-check's build/check reports);
// paths given on the command line are relative to the working directory.
// Exit codes: 0 ok, 1 a check or a verification failed, 2 usage or I/O error.
import { createPublicKey } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, realpathSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { POLICY_VERSION } from '../checker/version.ts';
import { readManifest } from '../runtime/kernel/manifest.ts';
import type { DomainManifest } from '../runtime/kernel/manifest.ts';
import { ArtifactRefused, parseArtifact, serializeArtifact, verifyArtifact } from './artifact.ts';
import type { Artifact, Statement, TrustPolicy } from './artifact.ts';
import { KeyError, PASSPHRASE_ENV, generateKey, readSigningKey, readTrustedKeys, trustedKeyOf, writeKeyPair, writeTrustedKeys } from './keys.ts';
import type { SigningKey, TrustedKey } from './keys.ts';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Where things go when no option says otherwise. */
export const defaults = {
  keysDir: path.join(repoRoot, '.redleaf', 'keys'),
  key: path.join(repoRoot, '.redleaf', 'keys', 'dev.key'),
  out: path.join(repoRoot, 'build', 'domains'),
  trusted: path.join(repoRoot, '.redleaf', 'trusted-keys.json'),
};

const usage = [
  'usage: redleaf-sign <command> [--json] [options]',
  '  keygen [--out <base>] [--name <name>]',
  '      write a key pair: <base>.key (private, mode 0600; encrypted when REDLEAF_SIGN_PASSPHRASE is set) and <base>.pub',
  '      (base defaults to .redleaf/keys/<name>, name to dev); refuses to overwrite',
  '  sign [--key <file.key>] [--out <dir>] <domain-dir...>',
  '      check each domain (or take its fresh build/check report), bundle it and sign it into <dir>/<name>.artifact.json',
  '      (key defaults to .redleaf/keys/dev.key, dir to build/domains); a domain that fails the check is not signed',
  '  verify [--trusted <file>] <artifact...>',
  '      verify artifacts as the kernel does, against a trusted-keys file (default .redleaf/trusted-keys.json)',
  '  trust <file.pub> [--name <name>] [--trusted <file>]     add a public key to the trusted-keys file',
  '  untrust <keyid-prefix> [--trusted <file>]               remove a key from the trusted-keys file',
  '  --json   machine-readable output on stdout        --help   this text',
  'default paths are in the repository root; exit codes: 0 ok, 1 a check or verification failed, 2 usage or I/O error',
].join('\n');

/** A failure the command reports and exits with (2: usage or I/O). */
class CliError extends Error {
  constructor(message: string, readonly code: number, readonly showUsage = false) {
    super(message);
  }
}

const usageError = (message: string): CliError => new CliError(message, 2, true);

/** A path for people: relative to the working directory when inside it. */
export function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === '' ? '.' : rel.startsWith('..') || path.isAbsolute(rel) ? file : rel;
}

const errorText = (e: unknown): string => (e instanceof Error ? e.message : String(e));

const passphrase = (): string | undefined => process.env[PASSPHRASE_ENV];

// ---------------------------------------------------------------------------------------------
// Pieces shared with signer/build.ts

/** The policy the kernel verifies artifacts with (runtime/kernel/kernel.ts's defaults). */
export async function kernelPolicy(trusted: readonly TrustedKey[]): Promise<TrustPolicy> {
  const { KERNEL_CAPABILITIES } = await import('../runtime/kernel/kernel.ts');
  const { interfaceDigests } = await import('../runtime/idl/generated/index.ts');
  return { trusted, interfaceDigests, acceptedPolicies: [POLICY_VERSION], acceptedTools: ['redleaf-check'], grantable: KERNEL_CAPABILITIES };
}

/** The statement an artifact's envelope carries (unverified: read it after verifyArtifact, or for display). */
export function statementOf(a: Artifact): Statement {
  return JSON.parse(Buffer.from(a.envelope.payload, 'base64').toString('utf8')) as Statement;
}

export const artifactFile = (outDir: string, name: string): string => path.join(outDir, `${name}.artifact.json`);

/** Writes an artifact in its canonical form, byte for byte what parseArtifact accepts; atomically. */
export function writeArtifact(file: string, a: Artifact): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, serializeArtifact(a));
  renameSync(tmp, file);
}

interface FreshReport {
  readonly domain: string;
  readonly inputs: Readonly<Record<string, string>>;
}

/**
 * The domain's check report (build/check/<name>.json) when it is fresh (every input's hash
 * matches) and covers exactly what the checker would check now: the domain's domain.json and
 * .ts files and the IDL. A file added since the check is not in the report's inputs, so
 * freshness alone would let it be signed unchecked.
 */
export async function coveringReport(dir: string): Promise<{ file: string; report: FreshReport } | undefined> {
  let manifest: DomainManifest;
  try {
    manifest = readManifest(dir);
  } catch {
    return undefined; // the checker reports it
  }
  const name = manifest.name;
  const { reportPath } = await import('../checker/domain/verify.ts');
  const { freshReport } = await import('./sign.ts');
  const file = reportPath(manifest);
  let report: FreshReport | undefined;
  try {
    report = freshReport(file, repoRoot, dir);
  } catch {
    return undefined; // unreadable: check again
  }
  return report !== undefined && report.domain === name ? { file, report } : undefined;
}

export type CheckOutcome =
  | { readonly ok: true; readonly reportFile: string; readonly checked: 'report' | 'now' }
  | { readonly ok: false; readonly message: string; readonly violations: readonly string[] };

/**
 * Each domain's check: its covering fresh report, or the checker run now over all the others
 * in one program (as `redleaf-check --all` does), writing the reports of those that pass.
 */
export async function checkDomains(dirs: readonly string[]): Promise<Map<string, CheckOutcome>> {
  const out = new Map<string, CheckOutcome>();
  const unchecked: string[] = [];
  for (const dir of dirs) {
    const r = await coveringReport(dir);
    if (r === undefined) unchecked.push(dir);
    else out.set(dir, { ok: true, reportFile: r.file, checked: 'report' });
  }
  if (unchecked.length > 0) {
    const { verifyDomains, checkReport, reportPath, writeReport } = await import('../checker/domain/verify.ts');
    const { formatDiagnostic } = await import('../checker/diagnostics.ts');
    for (const r of verifyDomains(unchecked)) {
      if (r.diagnostics.length === 0 && r.manifest !== undefined) {
        const reportFile = reportPath(r.manifest);
        writeReport(checkReport(r), reportFile);
        out.set(r.dir, { ok: true, reportFile, checked: 'now' });
      } else {
        const violations = r.diagnostics.map((d) => formatDiagnostic(d));
        out.set(r.dir, { ok: false, message: `${shown(r.dir)} did not pass redleaf-check; not signed`, violations });
      }
    }
  }
  return out;
}

/** The domain names of folders, refusing two folders of one name (their artifacts would collide). */
function namesOf(dirs: readonly string[]): Map<string, string | undefined> {
  const names = new Map<string, string | undefined>();
  const seen = new Map<string, string>();
  for (const dir of dirs) {
    let name: string | undefined;
    try {
      name = readManifest(dir).name;
    } catch {
      name = undefined;
    }
    if (name !== undefined) {
      const other = seen.get(name);
      if (other !== undefined) throw new CliError(`${shown(other)} and ${shown(dir)} are both domain '${name}': their artifacts would overwrite each other`, 2);
      seen.set(name, dir);
    }
    names.set(dir, name);
  }
  return names;
}

// ---------------------------------------------------------------------------------------------
// Arguments

interface Parsed {
  readonly command: string;
  readonly positional: readonly string[];
  readonly options: ReadonlyMap<string, string>;
  readonly json: boolean;
  readonly help: boolean;
}

const commandOptions: Readonly<Record<string, readonly string[]>> = {
  keygen: ['out', 'name'],
  sign: ['key', 'out'],
  verify: ['trusted'],
  trust: ['name', 'trusted'],
  untrust: ['trusted'],
};

function parse(args: readonly string[]): Parsed {
  let json = false, help = false, command: string | undefined;
  const positional: string[] = [];
  const options = new Map<string, string>();
  let onlyPositional = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (onlyPositional || !a.startsWith('-') || a === '-') {
      if (command === undefined) {
        if (!(a in commandOptions)) throw usageError(`unknown command ${a}`);
        command = a;
      } else positional.push(a);
    } else if (a === '--') onlyPositional = true;
    else if (a === '--json') json = true;
    else if (a === '--help' || a === '-h') help = true;
    else {
      if (command === undefined) throw usageError(`${a} comes after the command`);
      const eq = a.indexOf('=');
      const name = a.slice(2, eq < 0 ? undefined : eq);
      if (!a.startsWith('--') || !commandOptions[command]!.includes(name)) throw usageError(`${command} has no option ${a.slice(0, eq < 0 ? undefined : eq)}`);
      const value = eq < 0 ? args[++i] : a.slice(eq + 1);
      if (value === undefined || value === '') throw usageError(`--${name} needs a value`);
      if (options.has(name)) throw usageError(`--${name} is given twice`);
      options.set(name, value);
    }
  }
  if (command === undefined) {
    if (help) return { command: '', positional, options, json, help };
    throw usageError('no command: keygen, sign, verify, trust or untrust');
  }
  return { command, positional, options, json, help };
}

// ---------------------------------------------------------------------------------------------
// Commands

interface Io {
  /** A line of the human-readable result (stdout; not with --json). */
  print(line: string): void;
  /** A warning for people (stderr, also with --json). */
  warn(line: string): void;
}

interface Outcome {
  readonly code: number;
  readonly json: unknown;
}

function keygen(p: Parsed, io: Io): Outcome {
  if (p.positional.length > 0) throw usageError(`keygen takes no arguments (got ${p.positional.join(' ')}); use --out <base>`);
  const givenName = p.options.get('name');
  if (givenName !== undefined && !/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(givenName)) throw usageError(`--name: '${givenName}' must be letters, digits, '.', '_' and '-'`);
  const out = p.options.get('out');
  // `--out x.key` means the pair x.key / x.pub.
  const base = out === undefined ? path.join(defaults.keysDir, givenName ?? 'dev') : path.resolve(out.replace(/\.(key|pub)$/, ''));
  const name = givenName ?? path.basename(base);
  const secret = passphrase();
  const encrypted = secret !== undefined && secret !== '';
  const key = generateKey();
  const { privateFile, publicFile } = writeKeyPair(key, base, secret);
  io.print(`key ${key.keyid} (${name})`);
  io.print(`public key:  ${shown(publicFile)}`);
  io.print(`private key: ${shown(privateFile)} (mode 0600, ${encrypted ? `encrypted with ${PASSPHRASE_ENV}` : `not encrypted: set ${PASSPHRASE_ENV} to encrypt it`})`);
  io.print(`to let kernels load what it signs: redleaf-sign trust ${shown(publicFile)} --name ${name}`);
  return { code: 0, json: { keyid: key.keyid, name, publicFile: shown(publicFile), privateFile: shown(privateFile), encrypted } };
}

async function sign(p: Parsed, io: Io): Promise<Outcome> {
  if (p.positional.length === 0) throw usageError('nothing to sign: name domain folders');
  const dirs = [...new Set(p.positional.map((d) => path.resolve(d)))];
  for (const d of dirs) if (!existsSync(path.join(d, 'domain.json'))) throw new CliError(`not a domain folder (no domain.json): ${shown(d)}`, 2);
  const given = p.options.get('key');
  const keyFile = given === undefined ? defaults.key : path.resolve(given);
  if (given === undefined && !existsSync(keyFile)) {
    throw new CliError(`no signing key at ${shown(keyFile)}: create one with \`redleaf-sign keygen\` (then let kernels trust it: \`redleaf-sign trust ${shown(keyFile.replace(/\.key$/, '.pub'))}\`), or pass --key <file.key>`, 2);
  }
  const key: SigningKey = readSigningKey(keyFile, passphrase());
  const outDir = path.resolve(p.options.get('out') ?? defaults.out);
  namesOf(dirs);
  const checks = await checkDomains(dirs);
  const { signDomain, SignRefused } = await import('./sign.ts');
  let code = 0;
  const results: unknown[] = [];
  for (const dir of dirs) {
    const check = checks.get(dir);
    if (check === undefined || !check.ok) {
      const message = check?.message ?? `${shown(dir)} was not checked; not signed`;
      const violations = check?.ok === false ? check.violations : [];
      io.print(`${message}:`);
      for (const v of violations) io.print(`  ${v}`);
      results.push({ dir: shown(dir), status: 'refused', message, violations });
      code = Math.max(code, 1);
      continue;
    }
    try {
      const { artifact } = await signDomain(dir, key, { reportFile: check.reportFile, repoRoot });
      const s = statementOf(artifact);
      const file = artifactFile(outDir, s.domain.name);
      writeArtifact(file, artifact);
      io.print(`${shown(dir)}: signed ${s.domain.name}@${s.domain.version} with key ${key.keyid.slice(0, 16)} -> ${shown(file)} (${check.checked === 'now' ? 'checked now' : 'fresh check report'})`);
      results.push({ dir: shown(dir), status: 'signed', domain: s.domain.name, version: s.domain.version, artifact: shown(file), keyid: key.keyid, bundle: s.bundle, checked: check.checked });
    } catch (e) {
      if (e instanceof SignRefused) {
        const [message = '', ...violations] = e.message.split('\n');
        io.print(e.message);
        results.push({ dir: shown(dir), status: 'refused', message: message.replace(/:$/, ''), violations });
        code = Math.max(code, 1);
      } else {
        io.warn(`redleaf-sign: ${shown(dir)}: ${errorText(e)}`);
        results.push({ dir: shown(dir), status: 'error', message: errorText(e) });
        code = 2;
      }
    }
  }
  return { code, json: { key: key.keyid, out: shown(outDir), domains: results } };
}

function trustedFileOf(p: Parsed): string {
  return path.resolve(p.options.get('trusted') ?? defaults.trusted);
}

async function verify(p: Parsed, io: Io): Promise<Outcome> {
  if (p.positional.length === 0) throw usageError('nothing to verify: name artifact files');
  const trustedFile = trustedFileOf(p);
  if (!existsSync(trustedFile)) {
    throw new CliError(`no trusted-keys file at ${shown(trustedFile)}: trust a public key with \`redleaf-sign trust <file.pub>\`${p.options.has('trusted') ? '' : ', or pass --trusted <file>'}`, 2);
  }
  const policy = await kernelPolicy(readTrustedKeys(trustedFile));
  let code = 0;
  const results: unknown[] = [];
  for (const file of p.positional) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      io.warn(`${file}: cannot read: ${errorText(e)}`);
      results.push({ file, ok: false, error: errorText(e) });
      code = 2;
      continue;
    }
    try {
      const { statement: s } = verifyArtifact(parseArtifact(text), policy);
      const signer = policy.trusted.find((k) => k.keyid === s.keyid)?.name ?? s.keyid.slice(0, 16);
      io.print(`${file}: ok ${s.domain.name}@${s.domain.version} signed by ${signer} at ${s.signedAt}`);
      results.push({ file, ok: true, domain: s.domain.name, version: s.domain.version, keyid: s.keyid, signer, signedAt: s.signedAt, bundle: s.bundle, capabilities: s.capabilities, interfaces: s.interfaces, checker: s.checker });
    } catch (e) {
      if (!(e instanceof ArtifactRefused)) {
        // Not a refusal the kernel names: a statement signed by a trusted key but not of the expected shape.
        io.warn(`${file}: cannot verify: ${errorText(e)}`);
        results.push({ file, ok: false, error: errorText(e) });
        code = 2;
        continue;
      }
      const message = e.message.replace(/ \[[a-z-]+\]$/, '');
      io.print(`${file}: refused (${e.reason}): ${message}`);
      results.push({ file, ok: false, reason: e.reason, message });
      code = Math.max(code, 1);
    }
  }
  return { code, json: { trusted: shown(trustedFile), artifacts: results } };
}

function readPublicKey(file: string): KeyObject {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read ${shown(file)}: ${errorText(e)}`, 2);
  }
  if (text.includes('PRIVATE KEY')) throw new CliError(`${shown(file)} is a private key: trust its public key (the .pub file) instead, and keep the private key to yourself`, 2);
  let key: KeyObject;
  try {
    key = createPublicKey(text);
  } catch {
    throw new CliError(`${shown(file)} is not a public key (a PEM file as redleaf-sign keygen writes)`, 2);
  }
  if (key.asymmetricKeyType !== 'ed25519') throw new CliError(`${shown(file)} is a ${key.asymmetricKeyType ?? 'unknown'} key; redleaf-sign keys are Ed25519`, 2);
  return key;
}

function trust(p: Parsed, io: Io): Outcome {
  if (p.positional.length !== 1) throw usageError('trust takes one public key file (<file.pub>)');
  const pubFile = path.resolve(p.positional[0]!);
  const key = readPublicKey(pubFile);
  const name = p.options.get('name') ?? path.basename(pubFile).replace(/\.pub$/, '');
  const trustedFile = trustedFileOf(p);
  const keys = existsSync(trustedFile) ? readTrustedKeys(trustedFile) : [];
  const entry = trustedKeyOf(key, name);
  const already = keys.find((k) => k.keyid === entry.keyid);
  if (already !== undefined) {
    io.print(`${entry.keyid} is already trusted (as ${already.name}) in ${shown(trustedFile)}`);
    return { code: 0, json: { keyid: entry.keyid, name: already.name, trusted: shown(trustedFile), added: false, keys: keys.length } };
  }
  writeTrustedKeys(trustedFile, [...keys, entry]);
  io.print(`trusted ${entry.keyid} (${name}) in ${shown(trustedFile)}: ${keys.length + 1} key${keys.length === 0 ? '' : 's'}`);
  return { code: 0, json: { keyid: entry.keyid, name, trusted: shown(trustedFile), added: true, keys: keys.length + 1 } };
}

function untrust(p: Parsed, io: Io): Outcome {
  if (p.positional.length !== 1) throw usageError('untrust takes one key id prefix');
  const prefix = p.positional[0]!.toLowerCase();
  if (!/^[0-9a-f]{4,64}$/.test(prefix)) throw usageError(`'${p.positional[0]!}' is not a key id prefix: give at least 4 hex digits of the key id`);
  const trustedFile = trustedFileOf(p);
  if (!existsSync(trustedFile)) throw new CliError(`no trusted-keys file at ${shown(trustedFile)}`, 2);
  const keys = readTrustedKeys(trustedFile);
  const matches = keys.filter((k) => k.keyid.startsWith(prefix));
  if (matches.length === 0) throw new CliError(`no trusted key's id starts with ${prefix} in ${shown(trustedFile)}`, 2);
  if (matches.length > 1) throw new CliError(`${prefix} is ambiguous: it matches ${matches.map((k) => `${k.keyid.slice(0, 16)} (${k.name})`).join(', ')}; give more digits`, 2);
  const gone = matches[0]!;
  const rest = keys.filter((k) => k !== gone);
  writeTrustedKeys(trustedFile, rest);
  io.print(`untrusted ${gone.keyid} (${gone.name}): ${rest.length} key${rest.length === 1 ? '' : 's'} left in ${shown(trustedFile)}`);
  if (rest.length === 0) io.warn('redleaf-sign: no key is trusted any more: kernels using this file refuse every artifact');
  return { code: 0, json: { keyid: gone.keyid, name: gone.name, trusted: shown(trustedFile), keys: rest.length } };
}

export async function main(args: readonly string[]): Promise<number> {
  const json = args.includes('--json');
  const io: Io = {
    print: (line) => { if (!json) process.stdout.write(`${line}\n`); },
    warn: (line) => { process.stderr.write(`${line}\n`); },
  };
  const fail = (message: string, code: number, showUsage: boolean): number => {
    process.stderr.write(`redleaf-sign: ${message}\n${showUsage ? 'usage: redleaf-sign --help\n' : ''}`);
    if (json) process.stdout.write(`${JSON.stringify({ error: message, code })}\n`);
    return code;
  };
  try {
    if (args.length === 0) return fail('no command: keygen, sign, verify, trust or untrust', 2, true);
    const p = parse(args);
    if (p.help) {
      process.stdout.write(json ? `${JSON.stringify({ usage })}\n` : `${usage}\n`);
      return 0;
    }
    const outcome = p.command === 'keygen' ? keygen(p, io)
      : p.command === 'sign' ? await sign(p, io)
      : p.command === 'verify' ? await verify(p, io)
      : p.command === 'trust' ? trust(p, io)
      : untrust(p, io);
    if (json) process.stdout.write(`${JSON.stringify(outcome.json, null, 2)}\n`);
    return outcome.code;
  } catch (e) {
    if (e instanceof CliError) return fail(e.message, e.code, e.showUsage);
    if (e instanceof KeyError) return fail(e.message, 2, false);
    return fail(`internal error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`, 2, false);
  }
}

/** True when this file is the program (not imported by signer/build.ts). */
function isMain(): boolean {
  const argv1 = process.argv[1];
  if (argv1 === undefined) return false;
  try {
    return realpathSync(argv1) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) process.exitCode = await main(process.argv.slice(2));
