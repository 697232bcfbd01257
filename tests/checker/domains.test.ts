// The domain verifier over the repository's domains (no false positives) and over the hostile
// fixtures (each rejected by the rule it targets), and redleaf-check as a user runs it.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repositoryDomains, verifyDomains, checkReport, POLICY_VERSION } from '../../checker/domain/verify.ts';
import { repoRoot } from '../../checker/idl/load.ts';
import { domainRules } from '../../checker/rules/index.ts';

const hostileDir = path.join(repoRoot, 'tests/fixtures/hostile');
const hostile = readdirSync(hostileDir).filter((d) => existsSync(path.join(hostileDir, d, 'expect.json'))).sort();
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'checker/cli.ts'), ...args], { encoding: 'utf8', cwd: repoRoot, timeout: 120_000 });

describe('domain verifier', () => {
  it('passes every domain of the repository', () => {
    const domains = repositoryDomains();
    expect(domains.length).toBeGreaterThanOrEqual(3);
    for (const r of verifyDomains(domains)) expect(r.diagnostics.map((d) => `${path.relative(repoRoot, d.file)}:${d.line} ${d.ruleId} ${d.message}`), r.dir).toEqual([]);
  });

  it('rejects every hostile fixture with the rule it targets', () => {
    expect(hostile.length).toBeGreaterThanOrEqual(40);
    const results = verifyDomains(hostile.map((d) => path.join(hostileDir, d)));
    for (const r of results) {
      const { rules: expected, tried } = JSON.parse(readFileSync(path.join(r.dir, 'expect.json'), 'utf8')) as { rules: string[]; tried: string };
      expect(tried.length, `${path.basename(r.dir)} says what it tries`).toBeGreaterThan(20);
      for (const rule of expected) expect(domainRules.map((x) => x.id), path.basename(r.dir)).toContain(rule);
      const got = new Set(r.diagnostics.map((d) => d.ruleId));
      for (const rule of expected) expect([...got], `${path.basename(r.dir)} must be rejected by ${rule}`).toContain(rule);
    }
  });

  it('writes a check report naming the tool, the policy and the hash of every input', () => {
    const [echo] = verifyDomains([path.join(repoRoot, 'tests/kernel/domains/echo')]);
    const report = checkReport(echo!);
    expect(report.domain).toBe('echo');
    expect(report.policy).toBe(POLICY_VERSION);
    expect(Object.keys(report.inputs)).toContain('tests/kernel/domains/echo/main.ts');
    expect(Object.keys(report.inputs)).toContain('runtime/idl/test.ts');
    for (const h of Object.values(report.inputs)) expect(h).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('redleaf-check <domain-dir...>', () => {
  it('exits 0 on a clean domain and 1 with file:line:col rule-id lines on a hostile one', () => {
    expect(cli('--no-report', 'tests/kernel/domains/echo').status).toBe(0);
    const bad = cli('--no-report', 'tests/fixtures/hostile/exchangeable-types-object-reference');
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/^tests\/fixtures\/hostile\/exchangeable-types-object-reference\/main\.ts:\d+:\d+ exchangeable-types /m);
  });

  it('writes SARIF 2.1.0 that names each rule and location', () => {
    const r = cli('--no-report', '--format', 'sarif', 'tests/fixtures/hostile/create-signature-wrong-exports');
    expect(r.status).toBe(1);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const run = sarif.runs[0]!;
    expect(run.tool.driver.rules.map((x) => x.id)).toContain('create-signature');
    expect(run.results[0]!.ruleId).toBe('create-signature');
    expect(run.results[0]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('tests/fixtures/hostile/create-signature-wrong-exports/main.ts');
  });

  it('refuses bad usage with exit 2', () => {
    expect(cli().status).toBe(2);
    expect(cli('--all', 'tests/kernel/domains/echo').status).toBe(2);
    expect(cli('tests').stderr).toMatch(/not a domain folder/);
    expect(cli('--format', 'xml', '--all').status).toBe(2);
  });
});
