/**
 * How settings pick rules and severities. A key in `rules`, `select` or `ignore` may be a rule code
 * (`RH101`), a rule name (`forced-success-exit`), a family code (`RH1`) or family name (`exit`), or `all`;
 * the most specific key wins.
 */
import { familyOf } from './families';
import type { RuleMeta } from './rule';
import { SEVERITIES, severityRank, type AnalysisSettings, type Severity, type SeveritySetting } from './types';

function keysFor(meta: RuleMeta): string[] {
  const family = familyOf(meta.code);
  // Most specific first.
  return [meta.code, meta.name, ...(family ? [family.code, family.name] : []), 'all', '*'].map((k) => k.toLowerCase());
}

function lookup<T>(map: Record<string, T> | undefined, meta: RuleMeta): T | undefined {
  if (!map) return undefined;
  const lowered = new Map(Object.entries(map).map(([k, v]) => [k.trim().toLowerCase(), v]));
  for (const key of keysFor(meta)) if (lowered.has(key)) return lowered.get(key);
  return undefined;
}

function listMatches(list: string[] | undefined, meta: RuleMeta): boolean {
  if (!list || list.length === 0) return false;
  const keys = new Set(keysFor(meta));
  return list.some((k) => keys.has(k.trim().toLowerCase()));
}

/** The severity the user configured for this rule, if any. */
export function configuredSeverity(meta: RuleMeta, settings: AnalysisSettings): SeveritySetting | undefined {
  return lookup(settings.rules, meta);
}

export function isRuleEnabled(meta: RuleMeta, settings: AnalysisSettings): boolean {
  if (settings.select && settings.select.length > 0 && !listMatches(settings.select, meta)) return false;
  if (listMatches(settings.ignore, meta)) return false;
  return configuredSeverity(meta, settings) !== 'off';
}

/**
 * The severity a finding is published with. Rules report a severity relative to their default (an
 * always-equal helper in a test is `info` where the default is `error`); a configured severity moves the
 * rule's default and every finding keeps its distance from it, clamped to hint…error.
 */
export function effectiveSeverity(meta: RuleMeta, reported: Severity, settings: AnalysisSettings): Severity {
  const configured = configuredSeverity(meta, settings);
  if (!configured || configured === 'off') return reported;
  const shifted = severityRank(configured) + severityRank(reported) - severityRank(meta.defaultSeverity);
  return SEVERITIES[Math.max(0, Math.min(SEVERITIES.length - 1, shifted))]!;
}

/** Every key that names something: used to report unknown keys in settings. */
export function isKnownRuleKey(key: string, metas: RuleMeta[]): boolean {
  const k = key.trim().toLowerCase();
  return metas.some((m) => keysFor(m).includes(k));
}

/** The rules a settings key names (a code, a name, a family, or `all`). */
export function rulesForKey(key: string, metas: readonly RuleMeta[]): RuleMeta[] {
  const k = key.trim().toLowerCase();
  return metas.filter((m) => keysFor(m).includes(k));
}
