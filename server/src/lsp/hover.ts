/** Hover text for findings: what was found here, then the rule's explanation (why, and what instead). */
import type { Finding } from '../engine';
import { renderHover } from '../rules/docs';
import { findMeta } from './docs';

/** `link(code)` gives the documentation link the client can open, if any. */
export function hoverMarkdown(findings: readonly Finding[], link: (code: string) => string | undefined): string {
  return findings
    .map((f) => {
      const meta = findMeta(f.rule);
      const parts = [meta ? renderHover(meta) : `**${f.rule} ${f.name}**`, '', `*Here (${f.severity}):* ${f.message}`];
      const href = link(f.rule);
      const suppress = `Silence one place with \`# reward-hack: ignore[${f.rule}] -- reason\`.`;
      parts.push('', href ? `[Rule documentation](${href}) · ${suppress}` : suppress);
      return parts.join('\n');
    })
    .join('\n\n---\n\n');
}
