// The policy runs on whichever TypeScript copy built the checker: here the `typescript`
// package's own (the one typescript-eslint hands its rules), giving the same model of
// runtime/idl as the ts-morph run recorded in the snapshot.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { idlFilesIn } from '../../checker/idl/load.ts';
import { validateIdl } from '../../checker/idl/validate.ts';
import { createHost } from '../../checker/policy/index.ts';
import { repoRoot } from './helpers.ts';

const snapshotFile = path.join(path.dirname(fileURLToPath(import.meta.url)), 'idl-model.snapshot.json');

describe('policy on the typescript package', () => {
  it('validates runtime/idl clean with the same model as under ts-morph', () => {
    const configFile = path.join(repoRoot, 'tsconfig.json');
    const config = ts.getParsedCommandLineOfConfigFile(configFile, { types: [] }, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: (d) => { throw new Error(String(d.messageText)); } });
    expect(config).toBeDefined();
    const roots = idlFilesIn(path.join(repoRoot, 'runtime/idl'));
    const program = ts.createProgram(roots, config!.options);
    const files = roots.map((f) => program.getSourceFile(f)!);
    const { diagnostics, model } = validateIdl(createHost(ts, program.getTypeChecker()), files, repoRoot);
    expect(diagnostics).toEqual([]);
    expect(`${JSON.stringify(model, null, 2)}\n`).toBe(readFileSync(snapshotFile, 'utf8'));
  });
});
