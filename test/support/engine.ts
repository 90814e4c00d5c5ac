/** Test helpers: a real tree-sitter parser and the real rule registry. */
import { analyze, initParser, type AnalysisResult, type AnalysisSettings } from '../../server/src/engine';
import { locateWasm } from '../../server/src/host/wasm';
import { ALL_RULES } from '../../server/src/rules/registry';

let ready: Promise<unknown> | undefined;

export function ensureParser(): Promise<unknown> {
  ready ??= initParser(locateWasm());
  return ready;
}

export async function analyzeSource(source: string, path = 'src/solution.py', settings: AnalysisSettings = {}): Promise<AnalysisResult> {
  await ensureParser();
  return analyze({ source, path, settings }, ALL_RULES);
}
