// npm run build:domains: checks, bundles and signs every domain of the repository into
// build/domains/<name>.artifact.json with the dev key (.redleaf/keys/dev.key, made on first use
// and trusted in .redleaf/trusted-keys.json). Incremental: a domain is skipped when its
// artifact verifies against the trusted keys, was signed by the dev key, names the inputs of a
// fresh check report that covers the domain, and holds the bundle bundleDomain makes now (the
// bundle also holds the trusted library and the glue, which the report's inputs do not).
// One line per domain; exit 1 when a domain failed, 2 on a key or I/O error.
import { existsSync, readFileSync } from 'node:fs';
import { bundleDomain, readManifest } from '../runtime/kernel/bundle.ts';
import { parseArtifact, sha256, verifyArtifact } from './artifact.ts';
import type { TrustPolicy } from './artifact.ts';
import { artifactFile, checkDomains, coveringReport, defaults, kernelPolicy, repoRoot, shown, statementOf, writeArtifact } from './cli.ts';
import { KeyError, PASSPHRASE_ENV, generateKey, readSigningKey, readTrustedKeys, trustedKeyOf, writeKeyPair, writeTrustedKeys } from './keys.ts';
import type { SigningKey, TrustedKey } from './keys.ts';
import { SignRefused, signDomain } from './sign.ts';

const passphrase = (): string | undefined => process.env[PASSPHRASE_ENV];

/** The dev key, made (and trusted) on first use. */
function devKey(): SigningKey {
  if (existsSync(defaults.key)) return readSigningKey(defaults.key, passphrase());
  const key = generateKey();
  const { privateFile } = writeKeyPair(key, defaults.key.replace(/\.key$/, ''), passphrase());
  const secret = passphrase();
  process.stdout.write(`created the dev key ${key.keyid} (${shown(privateFile)}${secret === undefined || secret === '' ? `, not encrypted: to encrypt it, delete .redleaf/keys/dev.* and run again with ${PASSPHRASE_ENV} set` : ', encrypted'})\n`);
  const trusted = existsSync(defaults.trusted) ? readTrustedKeys(defaults.trusted) : [];
  writeTrustedKeys(defaults.trusted, [...trusted, trustedKeyOf(key, 'dev')]);
  process.stdout.write(`${shown(defaults.trusted)} trusts it\n`);
  return key;
}

/** The trusted keys; the file is made, trusting the dev key, when there is none. */
function trustedKeys(key: SigningKey): TrustedKey[] {
  if (!existsSync(defaults.trusted)) {
    writeTrustedKeys(defaults.trusted, [trustedKeyOf(key, 'dev')]);
    process.stdout.write(`${shown(defaults.trusted)} made: it trusts the dev key ${key.keyid.slice(0, 16)}\n`);
  }
  const trusted = readTrustedKeys(defaults.trusted);
  if (!trusted.some((k) => k.keyid === key.keyid)) {
    process.stderr.write(`warning: ${shown(defaults.trusted)} does not trust the dev key ${key.keyid.slice(0, 16)}: kernels that read it refuse these artifacts (redleaf-sign trust ${shown(defaults.key.replace(/\.key$/, '.pub'))})\n`);
  }
  return trusted;
}

/** True when the domain's artifact need not be made again. */
async function upToDate(dir: string, file: string, key: SigningKey, policy: TrustPolicy): Promise<boolean> {
  if (!existsSync(file)) return false;
  const fresh = await coveringReport(dir);
  if (fresh === undefined) return false;
  try {
    const { statement } = verifyArtifact(parseArtifact(readFileSync(file, 'utf8')), policy);
    if (statement.keyid !== key.keyid || statement.checker.report !== sha256(JSON.stringify(fresh.report.inputs))) return false;
    const bundle = await bundleDomain(dir);
    return sha256(bundle.code) === statement.bundle.sha256 && JSON.stringify(bundle.manifest) === JSON.stringify(statement.domain);
  } catch {
    return false;
  }
}

async function main(): Promise<number> {
  let key: SigningKey, policy: TrustPolicy;
  try {
    key = devKey();
    policy = await kernelPolicy(trustedKeys(key));
  } catch (e) {
    if (!(e instanceof KeyError)) throw e;
    process.stderr.write(`build:domains: ${e.message}\n`);
    return 2;
  }
  const { repositoryDomains } = await import('../checker/domain/verify.ts');
  const dirs = repositoryDomains();
  const names = new Map<string, string>();
  const stale: string[] = [];
  let code = 0;
  for (const dir of dirs) {
    let name: string;
    try {
      name = readManifest(dir).name;
    } catch {
      stale.push(dir); // the check says what is wrong with its domain.json
      continue;
    }
    const other = names.get(name);
    if (other !== undefined) {
      process.stdout.write(`${shown(dir)}: not signed: ${shown(other)} is domain '${name}' too\n`);
      code = 1;
      continue;
    }
    names.set(name, dir);
    if (await upToDate(dir, artifactFile(defaults.out, name), key, policy)) process.stdout.write(`${name}: up to date\n`);
    else stale.push(dir);
  }
  // The domains without a covering fresh report are checked together, in one program.
  const checks = await checkDomains(stale);
  for (const dir of stale) {
    const check = checks.get(dir);
    const label = (() => { try { return readManifest(dir).name; } catch { return shown(dir); } })();
    if (check === undefined || !check.ok) {
      process.stdout.write(`${label}: not signed: ${check?.ok === false ? `${check.message}:` : 'not checked'}\n`);
      for (const v of check?.ok === false ? check.violations : []) process.stdout.write(`  ${v}\n`);
      code = 1;
      continue;
    }
    const file = artifactFile(defaults.out, label);
    if (check.checked === 'now' && await upToDate(dir, file, key, policy)) {
      process.stdout.write(`${label}: up to date (checked again)\n`);
      continue;
    }
    try {
      const { artifact } = await signDomain(dir, key, { reportFile: check.reportFile, repoRoot });
      writeArtifact(artifactFile(defaults.out, statementOf(artifact).domain.name), artifact);
      process.stdout.write(`${label}: signed -> ${shown(file)}\n`);
    } catch (e) {
      process.stdout.write(`${label}: not signed: ${e instanceof SignRefused ? e.message : `${e instanceof Error ? e.message : String(e)}`}\n`);
      code = e instanceof SignRefused ? Math.max(code, 1) : 2;
    }
  }
  return code;
}

process.exitCode = await main();
