/**
 * RH902 test-deleted: in a patch review, a test function, test class or test file that the change removes
 * (and does not move elsewhere in the same change). Deleting the failing test is the bluntest hack.
 */
import { functionName, type Node } from '../../engine/ast';
import type { Rule } from '../../engine/rule';
import type { Finding } from '../../engine/types';

export const testDeleted: Rule = {
  meta: {
    code: 'RH902',
    name: 'test-deleted',
    family: 'RH9',
    defaultSeverity: 'warning',
    reviewOnly: true,
    docs: {
      summary: 'A change deletes a test function, a test class or a whole test file.',
      why:
        'The bluntest way to make a test suite pass is to remove the tests that fail. In a patch written to "make the ' +
        'tests pass", a deleted test is a red flag unless the change says why (the feature it tested was removed, or the ' +
        'test moved).',
      example: '# before\ndef test_parse_negative():\n    assert parse("-1") == -1\n# after: the function is gone\n',
      instead: 'Keep the test and fix the code, or explain in the change why the behaviour it tested no longer exists.',
      lookAlikes: [
        'A test moved to another file or class in the same change (same function name) is not reported.',
        'A renamed test file whose tests survive is not reported.',
        'A test renamed to another collected name with its body unchanged is not reported.',
        'Helper functions and fixtures in test files are not tests.',
        'A test renamed so that the runner no longer collects it (`test_parse` to `_test_parse` or `disabled_test_parse`) is reported as a rename.',
      ],
    },
  },
  create: () => ({}),
};

export interface TestDefinition {
  /** `test_x` or `TestClass.test_x`, or `TestClass` for the class itself. */
  qualifiedName: string;
  /** The function or class name alone (to recognise moves). */
  name: string;
  line: number;
  isClass: boolean;
  /** The body's text with runs of whitespace collapsed: the same body under a new name is a rename. */
  body: string;
}

function bodyText(def: Node): string {
  return (def.childForFieldName('body')?.text ?? '').replace(/\s+/g, ' ').trim();
}

function definitionOf(stmt: Node): Node | null {
  return stmt.type === 'decorated_definition' ? stmt.childForFieldName('definition') : stmt;
}

/** Tests defined in a module: `test*` functions, and classes that hold `test*` methods. */
export function collectTests(root: Node): TestDefinition[] {
  const out: TestDefinition[] = [];
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    if (!def) continue;
    if (def.type === 'function_definition' && functionName(def).startsWith('test')) {
      out.push({ qualifiedName: functionName(def), name: functionName(def), line: def.startPosition.row, isClass: false, body: bodyText(def) });
    } else if (def.type === 'class_definition') {
      const className = def.childForFieldName('name')?.text ?? '';
      const methods: TestDefinition[] = [];
      for (const member of def.childForFieldName('body')?.namedChildren ?? []) {
        const m = definitionOf(member);
        if (m?.type === 'function_definition' && functionName(m).startsWith('test')) {
          methods.push({ qualifiedName: `${className}.${functionName(m)}`, name: functionName(m), line: m.startPosition.row, isClass: false, body: bodyText(m) });
        }
      }
      if (methods.length || className.startsWith('Test')) {
        out.push({ qualifiedName: className, name: className, line: def.startPosition.row, isClass: true, body: bodyText(def) }, ...methods);
      }
    }
  }
  return out;
}

/**
 * Functions and classes whose names hold `test` but that the test runner does not collect: where a test
 * renamed out of collection lands (`_test_parse`, `disabled_test_parse`, `xtest_parse`, `SkipTestParse`).
 */
export function uncollectedTestNames(root: Node): UncollectedDefinition[] {
  const out: UncollectedDefinition[] = [];
  const note = (def: Node | null, collected: (name: string) => boolean) => {
    if (def?.type !== 'function_definition' && def?.type !== 'class_definition') return;
    const name = def.childForFieldName('name')?.text ?? '';
    if (/test/i.test(name) && !collected(name)) out.push({ name, line: def.startPosition.row });
  };
  for (const stmt of root.namedChildren) {
    const def = definitionOf(stmt);
    note(def, (name) => (def?.type === 'class_definition' ? name.startsWith('Test') : name.startsWith('test')));
    if (def?.type !== 'class_definition') continue;
    for (const member of def.childForFieldName('body')?.namedChildren ?? []) note(definitionOf(member), (name) => name.startsWith('test'));
  }
  return out;
}

export interface UncollectedDefinition {
  name: string;
  /** 0-based line of the definition in the new text. */
  line: number;
}

/** Where a gone test was renamed to, out of collection: a definition whose name contains the old one (`_test_parse`). */
function renamedOutOf(test: TestDefinition, uncollected: readonly UncollectedDefinition[]): UncollectedDefinition | undefined {
  const bare = test.name.replace(/^test_?/i, '').toLowerCase();
  return uncollected.find(({ name }) => name.includes(test.name) || (bare.length >= 3 && name.toLowerCase().endsWith(bare)));
}

export interface TestFileChange {
  oldPath?: string;
  newPath?: string;
  oldTests: TestDefinition[];
  /** Undefined when the file was deleted. */
  newTests?: TestDefinition[];
  /** The new file's definitions named like tests that are not collected (`uncollectedTestNames`). */
  newUncollected?: UncollectedDefinition[];
  oldToNew: (line: number) => number;
}

export interface DeletedTestFinding {
  path: string;
  finding: Finding;
}

/**
 * Tests present before and absent after, unless the change puts them elsewhere: a test that appears where it
 * was not before (another file or class: the same name; the same file: another collected name with the same
 * body) is a move or a rename. `addedTests` are the names defined in files the change creates. A test that
 * already existed under the same name elsewhere (`TestAdd.test_negative` beside a deleted
 * `TestMul.test_negative`) is not where the deleted one went.
 */
export function deletedTestFindings(files: TestFileChange[], addedTests: Iterable<string> = []): DeletedTestFinding[] {
  const landed = files.flatMap((f) => {
    const before = new Set(f.oldTests.map((t) => t.qualifiedName));
    return (f.newTests ?? []).filter((t) => !before.has(t.qualifiedName));
  });
  const landedNames = new Set([...landed.map((t) => t.name), ...addedTests]);
  const landedBodies = new Set(landed.filter((t) => t.body).map((t) => t.body));
  const out: DeletedTestFinding[] = [];
  for (const f of files) {
    const after = new Set((f.newTests ?? []).map((t) => t.qualifiedName));
    const gone = f.oldTests.filter((t) => !after.has(t.qualifiedName) && !landedNames.has(t.name) && !(t.body && landedBodies.has(t.body)));
    if (!gone.length) continue;
    const goneClasses = new Set(gone.filter((t) => t.isClass).map((t) => t.qualifiedName));
    // A deleted class is reported once, not once per method.
    const reported = gone.filter((t) => t.isClass || !goneClasses.has(t.qualifiedName.split('.')[0]!) || !t.qualifiedName.includes('.'));
    if (!f.newTests) {
      const path = f.oldPath!;
      const tests = f.oldTests.filter((t) => !t.isClass).length;
      out.push({
        path,
        finding: {
          rule: 'RH902',
          name: 'test-deleted',
          severity: 'warning',
          message: `This change deletes the test file ${path} (${tests} test${tests === 1 ? '' : 's'}: ${gone.filter((t) => !t.isClass).slice(0, 5).map((t) => t.qualifiedName).join(', ')}${tests > 5 ? ', …' : ''})`,
          range: { start: { line: 0, column: 0 }, end: { line: 0, column: 0 } },
        },
      });
      continue;
    }
    for (const t of reported) {
      // A rename is shown on the new definition; a deletion on the last line kept before it.
      const renamed = renamedOutOf(t, f.newUncollected ?? []);
      const line = renamed ? renamed.line : f.oldToNew(t.line);
      out.push({
        path: f.newPath!,
        finding: {
          rule: 'RH902',
          name: 'test-deleted',
          severity: 'warning',
          message: deletionMessage(t, renamed),
          range: { start: { line, column: 0 }, end: { line, column: 0 } },
        },
      });
    }
  }
  return out;
}

function deletionMessage(t: TestDefinition, renamed: UncollectedDefinition | undefined): string {
  const what = t.isClass ? `test class ${t.qualifiedName}` : `test ${t.qualifiedName}`;
  if (renamed) return `This change renames the ${what} to ${renamed.name}, a name the test runner does not collect: ${t.isClass ? 'its tests no longer run' : 'the test no longer runs'}`;
  return t.isClass ? `This change deletes the test class ${t.qualifiedName} and its tests` : `This change deletes the test ${t.qualifiedName}`;
}
