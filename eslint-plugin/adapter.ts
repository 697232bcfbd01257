// Turns a domain rule of the policy core (checker/rules) into an ESLint rule: the rule runs once
// per file on the TypeScript tree, with typescript-eslint's program when type information is
// configured, else on a tree parsed here; its reports are mapped back to ESLint locations.
import ts from 'typescript';
import { ESLintUtils } from '@typescript-eslint/utils';
import { createHost, defaultRuntimeDir } from '../checker/policy/host.ts';
import type { TypeScript } from '../checker/policy/host.ts';
import type { Program as TsProgram } from 'typescript';
import { domainDirOf } from '../checker/rules/rule.ts';
import type { DomainRule } from '../checker/rules/rule.ts';

export const docsUrl = (id: string): string => `https://github.com/redleaf-ts/redleaf-ts/blob/main/docs/rules/${id}.md`;

const createRule = ESLintUtils.RuleCreator(docsUrl);

export type PolicyRuleModule = ReturnType<typeof createRule<[], 'violation'>>;

export function fromPolicy(rule: DomainRule): PolicyRuleModule {
  return createRule<[], 'violation'>({
    name: rule.id,
    meta: {
      type: 'problem',
      docs: { description: rule.description },
      messages: { violation: '{{message}}' },
      schema: [],
    },
    defaultOptions: [],
    create(context) {
      return {
        Program(): void {
          const services = context.sourceCode.parserServices;
          const program = services?.program ?? undefined;
          const filename = context.filename;
          let sourceFile = program?.getSourceFile(filename);
          const host = program !== undefined && sourceFile !== undefined ? createHost(ts as unknown as TypeScript, program.getTypeChecker()) : undefined;
          if (rule.needsTypes && host === undefined) return;
          sourceFile ??= ts.createSourceFile(filename, context.sourceCode.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
          const sf = sourceFile;
          rule.check({
            ts: ts as unknown as TypeScript,
            sourceFile: sf,
            host,
            program: host === undefined ? undefined : (program as unknown as TsProgram),
            runtimeDir: defaultRuntimeDir,
            domainDir: domainDirOf(filename),
            report(node, message) {
              const start = sf.getLineAndCharacterOfPosition(node.getStart(sf));
              const end = sf.getLineAndCharacterOfPosition(node.getEnd());
              context.report({
                messageId: 'violation',
                data: { message },
                loc: { start: { line: start.line + 1, column: start.character }, end: { line: end.line + 1, column: end.character } },
              });
            },
          });
        },
      };
    },
  });
}
