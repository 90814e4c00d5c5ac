/**
 * What a rule is: metadata (which becomes its documentation page) plus a `create` function that returns
 * node-type listeners, ESLint-style. The engine walks each tree once and calls every rule's listeners,
 * so adding a rule never adds a walk.
 */
import type { Node } from 'web-tree-sitter';
import type { NameResolver } from './names';
import type { FileRole, Finding, Fix, FindingTag, ImportedFact, Range, Severity } from './types';

export interface RuleDocs {
  /** One sentence: what the rule finds. */
  summary: string;
  /** Why the construct games a test run (markdown). */
  why: string;
  /** A minimal example that the rule flags (Python source). */
  example: string;
  /** What to do instead (markdown). */
  instead: string;
  /** Legitimate look-alikes the rule leaves alone or reports lower (markdown list items). */
  lookAlikes: string[];
}

export interface RuleMeta {
  /** Stable code, e.g. `RH101`. */
  code: string;
  /** Stable kebab-case name, e.g. `forced-success-exit`. */
  name: string;
  /** Family code, e.g. `RH1` (see families.ts). */
  family: string;
  /** Severity in the role where the construct is a hack. */
  defaultSeverity: Severity;
  /** Which roles the severity table in the docs describes, e.g. `{ 'code-under-test': 'error', test: 'info' }`. */
  severityByRole?: Partial<Record<FileRole, Severity | 'off'>>;
  docs: RuleDocs;
  /** True when the rule can offer a fix for some findings. */
  fixable?: boolean;
  /** Rules that only make sense on a patch (RH9) are not run by `analyze()`. */
  reviewOnly?: boolean;
}

export interface ReportRelated {
  node?: Node;
  range?: Range;
  message: string;
}

export interface Report {
  /** Where the finding is; give `node` or `range`. */
  node?: Node;
  range?: Range;
  message: string;
  /** Severity for this finding in this context (role, confidence); settings may still change it. */
  severity: Severity;
  related?: ReportRelated[];
  fix?: Fix;
  tags?: FindingTag[];
}

/** Facts about the whole file, computed once, that rules and role detection share. */
export interface FileFacts {
  /** The path as given, with forward slashes. */
  path: string;
  /** Last path segment. */
  basename: string;
  isConftest: boolean;
  hasShebang: boolean;
  /**
   * Hook implementations: module-level `pytest_*` functions, `@hookimpl` methods of plugin classes, and functions
   * another module of the project binds to a hook name (also in `boundHooks`).
   */
  pytestHooks: Node[];
  /** Module-level functions of this file that another module binds to a pytest hook name, with that name. */
  boundHooks: { fn: Node; hook: string }[];
  /** The file imports pytest or unittest (or a submodule). */
  importsTestFramework: boolean;
}

export interface RuleContext {
  /**
   * The file's text; when it imports other names of things from the project (`from ._compat import hard_stop`
   * with `hard_stop = os._exit` there), a comment line per such name after it says what it stands for
   * (`# imported: hard_stop = os._exit`), for rules that look for words and aliases in the text.
   */
  readonly source: string;
  readonly path: string;
  readonly role: FileRole;
  readonly root: Node;
  readonly names: NameResolver;
  readonly facts: FileFacts;
  /** The role at a node: code under `if __name__ == "__main__":` is an entry point in any file. */
  roleAt(node: Node): FileRole;
  report(report: Report): void;
  /**
   * What another module of the project binds an imported name to (`ctx.imported(ctx.names.qualify(id))`),
   * when the host analysed the project together (project.ts); undefined otherwise.
   */
  imported(qualified: string | undefined): ImportedFact | undefined;
  /** The qualified names this file imports that have a fact of this kind elsewhere in the project. */
  importedWith(kind: ImportedFact['kind']): string[];
  /** Tells the modules that import `name` from this file what it holds (a rule's own verdict, e.g. a probe). */
  exportFact(name: string, fact: ImportedFact): void;
  /** What this module's own names hold, as the engine reports them to importing modules (constants, switches...). */
  ownFacts(): Readonly<Record<string, ImportedFact>> | undefined;
  /** The positional arguments other modules of the project pass this file's module-level function `name`, per call (see `AnalysisSettings.callerStrings`). */
  callerStrings(name: string): readonly (readonly (string | null)[])[];
}

export type Listener = (node: Node) => void;

/** Keys are tree-sitter node types (`call`, `function_definition`…), plus `module:exit`. */
export type Listeners = Partial<Record<string, Listener>> & { 'module:exit'?: () => void };

export interface Rule {
  meta: RuleMeta;
  create(context: RuleContext): Listeners;
  /**
   * Project files that are not Python but that the rule judges too (pytest's `pytest.ini`, `pyproject.toml`...):
   * their base names, and a check of one file's text. `testNames` lists the project's test functions, read by
   * the host only when asked. Run by `analyzeConfigFile`.
   */
  configFiles?: {
    names: readonly string[];
    check(text: string, fileName: string, testNames: () => readonly string[]): Finding[];
  };
}
