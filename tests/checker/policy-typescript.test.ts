// The policy runs on whichever TypeScript copy built the checker: here the `typescript`
// package's own (the one typescript-eslint hands its rules), giving the same model of
// runtime/idl as the ts-morph run recorded in the snapshot.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { validateIdl } from '../../checker/idl/validate.ts';
import { createHost } from '../../checker/policy/index.ts';
import { repoRoot, snapshotFile } from './paths.ts';

describe('policy on the typescript package', () => {
  it('validates runtime/idl clean with the same model as under ts-morph', () => {
    const configFile = path.join(repoRoot, 'tsconfig.json');
    const config = ts.getParsedCommandLineOfConfigFile(configFile, { types: [] }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } });
    expect(config).toBeDefined();
    const dir = path.join(repoRoot, 'runtime/idl');
    const roots = readdirSync(dir).filter((f) => f.endsWith('.ts')).sort().map((f) => path.join(dir, f));
    const program = ts.createProgram(roots, config!.options);
    const files = roots.map((f) => program.getSourceFile(f)!);
    const { diagnostics, model } = validateIdl(createHost(ts, program.getTypeChecker()), files, repoRoot);
    expect(diagnostics).toEqual([]);
    expect(`${JSON.stringify(model, null, 2)}\n`).toBe(readFileSync(snapshotFile, 'utf8'));
  });
});
