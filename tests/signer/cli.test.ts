// The redleaf-sign command as a person runs it: keys (mode, encryption, no overwriting, the
// private key never printed), signing a domain and refusing a hostile one, verifying as the
// kernel does, trusting and untrusting keys (rotation), usage errors and --json output. Keys,
// artifacts and trusted-keys files live in a temporary folder, named by --out/--key/--trusted.
import { execFile } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseArtifact } from '../../signer/artifact.ts';
import { keyIdOf } from '../../signer/envelope.ts';
import { KeyError, PASSPHRASE_ENV, readSigningKey } from '../../signer/keys.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(repoRoot, 'signer/cli.ts');
const echoDir = 'tests/kernel/domains/echo';
const hostileDir = 'tests/fixtures/hostile/safe-subset-global-this';
const passphrase = 'correct horse battery staple';

function run(args: readonly string[], options: { passphrase?: string; cwd?: string; bin?: boolean } = {}): Promise<Run> {
  const env = { ...process.env };
  delete env[PASSPHRASE_ENV];
  if (options.passphrase !== undefined) env[PASSPHRASE_ENV] = options.passphrase;
  const argv = options.bin === true ? [path.join(repoRoot, 'signer/bin.js'), ...args] : ['--import', 'tsx', cli, ...args];
  return new Promise((resolve) => {
    execFile(process.execPath, argv, { cwd: options.cwd ?? repoRoot, env }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs every job side by side. */
async function all<K extends string>(jobs: Record<K, Promise<Run>>): Promise<Record<K, Run>> {
  const entries = await Promise.all(Object.entries<Promise<Run>>(jobs).map(async ([k, p]) => [k, await p] as const));
  return Object.fromEntries(entries) as Record<K, Run>;
}

const tmp = mkdtempSync(path.join(tmpdir(), 'redleaf-sign-'));
const at = (...p: string[]): string => path.join(tmp, ...p);
const trusted = at('trusted-keys.json');
const empty = at('empty-trusted-keys.json');
const artifact1 = at('out1', 'echo.artifact.json');
const artifact3 = at('out3', 'echo.artifact.json');
const r: Record<string, Run> = {};

beforeAll(async () => {
  writeFileSync(empty, '{ "keys": [] }\n');
  Object.assign(r, await all({
    keygen1: run(['keygen', '--out', at('k1'), '--name', 'alice']),
    keygen2: run(['keygen', '--out', at('k2')], { passphrase }),
    keygen3: run(['keygen', '--json', `--out=${at('k3')}`]),
    noArgs: run([]),
    unknownCommand: run(['publish']),
    unknownOption: run(['sign', '--bogus', 'x', echoDir]),
    signNothing: run(['sign', '--key', at('k1.key')]),
    verifyNothing: run(['verify', '--json']),
    notADomain: run(['sign', '--key', at('k1.key'), tmp]),
    keygenArgs: run(['keygen', 'extra']),
    untrustBad: run(['untrust', 'zz', '--trusted', trusted]),
    help: run(['--help'], { bin: true, cwd: tmp }),
  }));
  Object.assign(r, await all({
    keygenAgain: run(['keygen', '--out', at('k1')]),
    sign1: run(['sign', '--key', at('k1.key'), '--out', at('out1'), echoDir]),
    sign2NoPassphrase: run(['sign', '--key', at('k2.key'), '--out', at('out2'), echoDir]),
    sign2WrongPassphrase: run(['sign', '--key', at('k2.key'), '--out', at('out2'), echoDir], { passphrase: 'wrong' }),
    hostile: run(['sign', '--key', at('k1.key'), '--out', at('hostile'), hostileDir]),
    trust1: run(['trust', at('k1.pub'), '--name', 'alice', '--trusted', trusted]),
    trustPrivate: run(['trust', at('k1.key'), '--trusted', at('never.json')]),
  }));
  Object.assign(r, await all({
    verify1: run(['verify', '--trusted', trusted, artifact1]),
    verify1Json: run(['verify', '--json', '--trusted', trusted, artifact1]),
    verifyEmpty: run(['verify', '--trusted', empty, artifact1]),
    sign3: run(['sign', '--json', '--key', at('k3.key'), '--out', at('out3'), echoDir]),
    sign2: run(['sign', '--key', at('k2.key'), '--out', at('out2'), echoDir], { passphrase }),
  }));
  // Rotation: trust the new key, then untrust the old one (one writer of the file at a time).
  r['trust3'] = await run(['trust', '--json', at('k3.pub'), '--trusted', trusted]);
  r['trust3Again'] = await run(['trust', at('k3.pub'), '--trusted', trusted]);
  r['untrust1'] = await run(['untrust', keyIdOf(createPublicKey(readFileSync(at('k1.pub')))).slice(0, 12), '--trusted', trusted]);
  r['verifyRotated'] = await run(['verify', '--trusted', trusted, artifact1, artifact3]);
}, 120_000);

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const pubId = (base: string): string => keyIdOf(createPublicKey(readFileSync(at(`${base}.pub`))));

describe('redleaf-sign keygen', () => {
  it('writes <base>.key (mode 0600) and <base>.pub, printing the key id and the public file', () => {
    expect(r['keygen1']!.code).toBe(0);
    expect(statSync(at('k1.key')).mode & 0o777).toBe(0o600);
    expect(r['keygen1']!.stdout).toContain(pubId('k1'));
    expect(r['keygen1']!.stdout).toContain('k1.pub');
    expect(readSigningKey(at('k1.key'), undefined).keyid).toBe(pubId('k1'));
  });

  it('never prints the private key', () => {
    const body = readFileSync(at('k1.key'), 'utf8').split('\n').filter((l) => l !== '' && !l.startsWith('-----'));
    expect(body.length).toBeGreaterThan(0);
    for (const run of Object.values(r)) {
      for (const text of [run.stdout, run.stderr]) {
        expect(text).not.toContain('PRIVATE KEY-----');
        for (const line of body) expect(text).not.toContain(line);
      }
    }
  });

  it('refuses to overwrite a key (exit 2), leaving it as it was', () => {
    expect(r['keygenAgain']!.code).toBe(2);
    expect(r['keygenAgain']!.stderr).toMatch(/k1\.key exists/);
    expect(readSigningKey(at('k1.key'), undefined).keyid).toBe(pubId('k1'));
  });

  it('encrypts the private key with REDLEAF_SIGN_PASSPHRASE; without it, or with a wrong one, the key is not read', () => {
    expect(r['keygen2']!.code).toBe(0);
    expect(readFileSync(at('k2.key'), 'utf8')).toContain('ENCRYPTED PRIVATE KEY');
    expect(readSigningKey(at('k2.key'), passphrase).keyid).toBe(pubId('k2'));
    expect(() => readSigningKey(at('k2.key'), 'wrong')).toThrow(KeyError);
    for (const k of ['sign2NoPassphrase', 'sign2WrongPassphrase']) {
      expect(r[k]!.code).toBe(2);
      expect(r[k]!.stderr).toContain('is encrypted: set REDLEAF_SIGN_PASSPHRASE to its passphrase');
    }
    expect(existsSync(at('out2', 'echo.artifact.json'))).toBe(true); // the run with the passphrase signed
    expect(r['sign2']!.code).toBe(0);
  });

  it('--json describes the key', () => {
    expect(r['keygen3']!.code).toBe(0);
    const out = JSON.parse(r['keygen3']!.stdout) as { keyid: string; name: string; publicFile: string; encrypted: boolean };
    expect(out).toMatchObject({ keyid: pubId('k3'), name: 'k3', encrypted: false });
    expect(out.publicFile).toMatch(/k3\.pub$/);
  });
});

describe('redleaf-sign sign and verify', () => {
  it('signs a domain that passes the check into <out>/<name>.artifact.json, in canonical form', () => {
    expect(r['sign1']!.code).toBe(0);
    expect(r['sign1']!.stdout).toMatch(/signed echo@1\.0\.0/);
    const a = parseArtifact(readFileSync(artifact1, 'utf8'));
    expect(a.envelope.signatures.map((s) => s.keyid)).toEqual([pubId('k1')]);
  });

  it('verifies an artifact signed by a trusted key, as the kernel does', () => {
    expect(r['trust1']!.code).toBe(0);
    expect(r['verify1']!.code).toBe(0);
    expect(r['verify1']!.stdout).toMatch(new RegExp(`^${artifact1.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: ok echo@1\\.0\\.0 signed by alice at \\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z\\n$`));
    const out = JSON.parse(r['verify1Json']!.stdout) as { artifacts: { ok: boolean; domain: string; signer: string; keyid: string }[] };
    expect(out.artifacts).toMatchObject([{ ok: true, domain: 'echo', signer: 'alice', keyid: pubId('k1') }]);
  });

  it('refuses (exit 1) an artifact whose key the trusted-keys file does not hold', () => {
    expect(r['verifyEmpty']!.code).toBe(1);
    expect(r['verifyEmpty']!.stdout).toContain(`${artifact1}: refused (untrusted-key): signed by ${pubId('k1').slice(0, 16)}`);
  });

  it('refuses to sign a domain that fails the check (exit 1), printing its violations and writing nothing', () => {
    const h = r['hostile']!;
    expect(h.code).toBe(1);
    expect(h.stdout).toContain('did not pass redleaf-check; not signed');
    expect(h.stdout).toMatch(/safe-subset-global-this\/main\.ts:\d+:\d+ safe-subset /);
    expect(existsSync(at('hostile')) ? readdirSync(at('hostile')) : []).toEqual([]);
  });

  it('sign --json describes what it signed', () => {
    expect(r['sign3']!.code).toBe(0);
    const out = JSON.parse(r['sign3']!.stdout) as { key: string; domains: { status: string; domain: string; artifact: string; bundle: { sha256: string } }[] };
    expect(out.key).toBe(pubId('k3'));
    expect(out.domains).toMatchObject([{ status: 'signed', domain: 'echo' }]);
    expect(path.resolve(repoRoot, out.domains[0]!.artifact)).toBe(artifact3);
    expect(out.domains[0]!.bundle.sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('redleaf-sign trust and untrust', () => {
  it('rotates keys: the new key is trusted, the old one untrusted, and what the old one signed is refused', () => {
    expect(r['trust3']!.code).toBe(0);
    expect(JSON.parse(r['trust3']!.stdout)).toMatchObject({ keyid: pubId('k3'), name: 'k3', added: true, keys: 2 });
    expect(r['trust3Again']!.code).toBe(0);
    expect(r['trust3Again']!.stdout).toContain('already trusted');
    expect(r['untrust1']!.code).toBe(0);
    expect(r['untrust1']!.stdout).toContain(`untrusted ${pubId('k1')} (alice)`);
    const keys = (JSON.parse(readFileSync(trusted, 'utf8')) as { keys: { keyid: string }[] }).keys.map((k) => k.keyid);
    expect(keys).toEqual([pubId('k3')]);
    const v = r['verifyRotated']!;
    expect(v.code).toBe(1);
    expect(v.stdout).toContain(`${artifact1}: refused (untrusted-key)`);
    expect(v.stdout).toContain(`${artifact3}: ok echo@1.0.0 signed by k3`);
  });

  it('refuses to trust a private key file', () => {
    expect(r['trustPrivate']!.code).toBe(2);
    expect(r['trustPrivate']!.stderr).toContain('is a private key');
    expect(existsSync(at('never.json'))).toBe(false);
  });
});

describe('redleaf-sign usage', () => {
  it('exits 2 with a message on usage errors', () => {
    const cases: [string, RegExp][] = [
      ['noArgs', /no command/],
      ['unknownCommand', /unknown command publish/],
      ['unknownOption', /sign has no option --bogus/],
      ['signNothing', /nothing to sign/],
      ['verifyNothing', /nothing to verify/],
      ['notADomain', /not a domain folder \(no domain\.json\)/],
      ['keygenArgs', /keygen takes no arguments/],
      ['untrustBad', /not a key id prefix/],
    ];
    for (const [k, message] of cases) {
      expect(r[k]!.code, k).toBe(2);
      expect(r[k]!.stderr, k).toMatch(message);
    }
  });

  it('--json reports errors on stdout too', () => {
    expect(JSON.parse(r['verifyNothing']!.stdout)).toEqual({ error: 'nothing to verify: name artifact files', code: 2 });
  });

  it('--help prints the commands (through the launcher, from outside the repository)', () => {
    expect(r['help']!.code).toBe(0);
    for (const c of ['keygen', 'sign', 'verify', 'trust', 'untrust']) expect(r['help']!.stdout).toContain(`  ${c} `);
  });
});
