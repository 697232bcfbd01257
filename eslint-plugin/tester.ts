// RuleTester set up for the plugin's rule tests: vitest's hooks, and typescript-eslint's project
// service, so typed rules get a real program. Test code is linted as if it were the file
// eslint-plugin/fixtures/domain/main.ts of a domain (imports of the library and the IDL then
// resolve as in a real domain: '../../../runtime/lib/index.ts').
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, it } from 'vitest';
import { RuleTester } from '@typescript-eslint/rule-tester';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const domainFile = path.join(repoRoot, 'eslint-plugin/fixtures/domain/main.ts');
/** A file outside any domain (rules about domains leave it alone). */
export const hostFile = path.join(repoRoot, 'eslint-plugin/fixtures/host.ts');

export function typedTester(): RuleTester {
  return new RuleTester({
    languageOptions: {
      parserOptions: {
        projectService: { allowDefaultProject: ['eslint-plugin/fixtures/*.ts', 'eslint-plugin/fixtures/domain/*.ts'], defaultProject: 'tsconfig.json' },
        tsconfigRootDir: repoRoot,
      },
    },
    defaultFilenames: { ts: domainFile, tsx: domainFile },
  });
}

/** For rules that need no type information. */
export function plainTester(): RuleTester {
  return new RuleTester({ defaultFilenames: { ts: domainFile, tsx: domainFile } });
}

/** Imports a test case's code starts with, as a domain writes them. */
export const LIB = "'../../../runtime/lib/index.ts'";
export const IDL = (file: string): string => `'../../../runtime/idl/${file}'`;
