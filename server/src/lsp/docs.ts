/**
 * Rule documentation for hovers, the Explain action and the Show Rule Documentation command. Pages are
 * generated into `docs/rules/<code>.md` and shipped in the VSIX next to `dist/`; when a page is missing
 * (a rule added since the docs were generated) one is rendered from the rule's metadata.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { FAMILIES, familyOf, type RuleMeta } from '../engine';
import { renderRuleDoc } from '../rules/docs';
import { ALL_META } from '../rules/registry';
import type { RuleInfo } from '../../../shared/src/protocol';

/** `docs/rules` beside the bundle (dist/../docs) or in the source tree (server/src/lsp/../../../docs). */
function findDocsFolder(): string | undefined {
  for (const candidate of [path.join(__dirname, '..', 'docs', 'rules'), path.join(__dirname, '..', '..', '..', 'docs', 'rules')]) {
    if (fs.existsSync(candidate)) return candidate;
  }
  return undefined;
}

const docsFolder = findDocsFolder();

export function findMeta(codeOrName: string): RuleMeta | undefined {
  const key = codeOrName.trim().toLowerCase();
  return ALL_META.find((m) => m.code.toLowerCase() === key || m.name === key);
}

/** Pages ship with the extension and do not change while it runs: look each one up once. */
const pathByCode = new Map<string, string | undefined>();

export function documentationPath(code: string): string | undefined {
  if (!docsFolder || !/^RH\d+$/i.test(code)) return undefined;
  if (!pathByCode.has(code)) {
    const file = path.join(docsFolder, `${code.toUpperCase()}.md`);
    pathByCode.set(code, fs.existsSync(file) ? file : undefined);
  }
  return pathByCode.get(code);
}

export function documentationUri(code: string): string | undefined {
  const file = documentationPath(code);
  return file ? pathToFileURL(file).toString() : undefined;
}

export function ruleInfos(): RuleInfo[] {
  return ALL_META.map((m) => ({
    code: m.code,
    name: m.name,
    family: m.family,
    familyTitle: FAMILIES.find((f) => f.code === m.family)?.title ?? familyOf(m.code)?.title ?? m.family,
    summary: m.docs.summary,
    defaultSeverity: m.defaultSeverity,
    fixable: m.fixable === true,
    documentationUri: documentationUri(m.code),
  }));
}

/** The shipped page, or the same page rendered from metadata (a rule added since the docs were generated). */
export function documentationMarkdown(meta: RuleMeta): string {
  const file = documentationPath(meta.code);
  if (file) {
    try {
      return fs.readFileSync(file, 'utf8');
    } catch {
      // Fall through to the rendered page.
    }
  }
  return renderRuleDoc(meta);
}
