// SARIF 2.1.0 output, so CI code scanning can show redleaf-check's findings on the code.
import path from 'node:path';
import type { Diagnostic } from './diagnostics.ts';

export interface RuleInfo {
  readonly id: string;
  readonly description: string;
}

export function toSarif(diagnostics: readonly Diagnostic[], rules: readonly RuleInfo[], version: string, root: string): object {
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'redleaf-check',
          version,
          informationUri: 'https://github.com/redleaf-ts/redleaf-ts/blob/main/docs/checker.md',
          rules: rules.map((r) => ({
            id: r.id,
            shortDescription: { text: r.description },
            helpUri: `https://github.com/redleaf-ts/redleaf-ts/blob/main/docs/rules/${r.id}.md`,
          })),
        },
      },
      originalUriBaseIds: { SRCROOT: { uri: `file://${root.endsWith('/') ? root : `${root}/`}` } },
      results: diagnostics.map((d) => ({
        ruleId: d.ruleId,
        level: 'error',
        message: { text: d.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: path.relative(root, d.file).split(path.sep).join('/'), uriBaseId: 'SRCROOT' },
            region: { startLine: d.line, startColumn: d.column },
          },
        }],
      })),
    }],
  };
}
