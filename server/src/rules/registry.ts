/**
 * Every rule, in code order. Each family folder exports its rules from its index; this list is what the
 * engine, the CLI, the language server and the documentation generator all read.
 */
import type { Rule, RuleMeta } from '../engine/rule';
import { exitRules } from './exit';
import { equalityRules } from './equality';
import { frameworkRules } from './framework';
import { testRules } from './tests';
import { awarenessRules } from './awareness';
import { harnessRules } from './harness';
import { reviewRules } from './review';

export const ALL_RULES: readonly Rule[] = [
  ...exitRules,
  ...equalityRules,
  ...frameworkRules,
  ...testRules,
  ...awarenessRules,
  ...harnessRules,
  ...reviewRules,
].sort((a, b) =>
  a.meta.code.localeCompare(b.meta.code),
);

export const ALL_META: readonly RuleMeta[] = ALL_RULES.map((r) => r.meta);

export function findRule(codeOrName: string): Rule | undefined {
  const k = codeOrName.trim().toLowerCase();
  return ALL_RULES.find((r) => r.meta.code.toLowerCase() === k || r.meta.name === k);
}
