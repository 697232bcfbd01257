// The redleaf-check command: exit codes, the text line format, JSON output, and the launcher
// working from a directory outside the repository.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturesDir, repoRoot } from './paths.ts';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(repoRoot, 'checker/bin.js'), ...args], { cwd }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

const outside = mkdtempSync(path.join(tmpdir(), 'redleaf-check-'));
const bad = path.join(fixturesDir, 'idl-function-field');
const runs: Record<string, Run> = {};

beforeAll(async () => {
  writeFileSync(path.join(outside, 'not-a-dir.ts'), '');
  // Each run starts a compiler; run them side by side.
  const jobs: Record<string, [readonly string[], string]> = {
    cleanJson: [['--idl', '--format', 'json'], outside],
    bad: [['--idl', path.relative(repoRoot, bad)], repoRoot],
    badJson: [['--idl', '--format=json', bad], repoRoot],
    noMode: [[], outside],
    badFormat: [['--idl', '--format', 'xml'], outside],
    missingDir: [['--idl', path.join(outside, 'nowhere')], outside],
  };
  await Promise.all(Object.entries(jobs).map(async ([k, [args, cwd]]) => { runs[k] = await run(args, cwd); }));
});

afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('redleaf-check --idl', () => {
  it('exits 0 on the clean runtime/idl from any working directory, printing diagnostics and the model as JSON', () => {
    expect(runs['cleanJson']!.code).toBe(0);
    const out = JSON.parse(runs['cleanJson']!.stdout) as { diagnostics: unknown[]; model: { version: number; interfaces: { name: string; digest: string }[] } };
    expect(out.diagnostics).toEqual([]);
    expect(out.model.version).toBe(1);
    expect(out.model.interfaces.map((i) => i.name)).toContain('Echo');
    expect(out.model.interfaces.every((i) => /^[0-9a-f]{64}$/.test(i.digest))).toBe(true);
  });

  it('exits 1 with one `file:line:col rule-id message` line per violation, paths relative to cwd', () => {
    const r = runs['bad']!;
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("tests/checker/fixtures/idl-function-field/index.ts:3:60 exchangeable-types Jobs.run: parameter 'req' : field 'cb' : function types cannot cross a domain boundary\n");
    expect(r.stderr).toContain('1 violation');
  });

  it('reports violations in JSON too', () => {
    const r = runs['badJson']!;
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as { diagnostics: unknown[] };
    expect(out.diagnostics).toEqual([{ ruleId: 'exchangeable-types', file: 'tests/checker/fixtures/idl-function-field/index.ts', line: 3, column: 60, message: "Jobs.run: parameter 'req' : field 'cb' : function types cannot cross a domain boundary" }]);
  });

  it('exits 2 on usage errors and on a missing folder', () => {
    expect(runs['noMode']!.code).toBe(2);
    expect(runs['noMode']!.stderr).toContain('redleaf-check --idl [--format text|json]');
    expect(runs['badFormat']!.code).toBe(2);
    expect(runs['badFormat']!.stderr).toContain('--format takes text or json');
    expect(runs['missingDir']!.code).toBe(2);
    expect(runs['missingDir']!.stderr).toContain('not a directory');
  });
});
