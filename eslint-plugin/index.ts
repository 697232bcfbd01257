// eslint-plugin-redleaf: the domain verifier's rules in the editor. Each rule is the policy
// core's (checker/rules), run through eslint-plugin/adapter.ts, so ESLint and redleaf-check
// cannot disagree. Two flat configs: `recommended` (rules that need no type information) and
// `recommendedTypeChecked` (all of them; needs typescript-eslint's project service).
import type { TSESLint } from '@typescript-eslint/utils';
import { domainRules } from '../checker/rules/index.ts';
import { fromPolicy } from './adapter.ts';
import type { PolicyRuleModule } from './adapter.ts';

const rules: Record<string, PolicyRuleModule> = Object.fromEntries(domainRules.map((r) => [r.id, fromPolicy(r)]));

const plugin = {
  meta: { name: 'eslint-plugin-redleaf', version: '0.1.0' },
  rules,
};

const on = (typed: boolean): Record<string, 'error'> =>
  Object.fromEntries(domainRules.filter((r) => typed || !r.needsTypes).map((r) => [`redleaf/${r.id}`, 'error' as const]));

export const configs = {
  /** Rules that need no type information. */
  recommended: { name: 'redleaf/recommended', plugins: { redleaf: plugin }, rules: on(false) },
  /** Every rule; give typescript-eslint's parser a project service (see README). */
  recommendedTypeChecked: { name: 'redleaf/recommended-type-checked', plugins: { redleaf: plugin }, rules: on(true) },
} satisfies Record<string, TSESLint.FlatConfig.Config>;

export default { ...plugin, configs };
