// A check report counts as fresh only while it describes the domain exactly: a changed file, or
// a file added since the check, makes the signer check again.
import { cpSync, mkdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { verifyDomains, checkReport, writeReport } from '../../checker/domain/verify.ts';
import { repoRoot } from '../../checker/idl/load.ts';
import { freshReport } from '../../signer/sign.ts';

// Four levels below the repository, like tests/kernel/domains/echo, so its imports resolve.
const base = path.join(repoRoot, 'build', `test-report-${process.pid}`);
const dir = path.join(base, 'domains', 'echo');
const reportFile = path.join(base, 'echo.check.json');

describe('check reports', () => {
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('are fresh until a file changes or a file is added', () => {
    mkdirSync(path.dirname(dir), { recursive: true });
    cpSync(path.join(repoRoot, 'tests/kernel/domains/echo'), dir, { recursive: true });
    const [result] = verifyDomains([dir]);
    expect(result!.diagnostics).toEqual([]);
    writeReport(checkReport(result!), reportFile);
    expect(freshReport(reportFile, repoRoot, dir)?.domain).toBe('echo');
    writeFileSync(path.join(dir, 'extra.ts'), 'export const unchecked: number = "not a number";\n');
    expect(freshReport(reportFile, repoRoot, dir)).toBeUndefined();
    rmSync(path.join(dir, 'extra.ts'));
    expect(freshReport(reportFile, repoRoot, dir)).toBeDefined();
    appendFileSync(path.join(dir, 'main.ts'), '\n');
    expect(freshReport(reportFile, repoRoot, dir)).toBeUndefined();
  });
});
