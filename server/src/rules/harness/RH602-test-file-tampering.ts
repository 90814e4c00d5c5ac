/**
 * RH602 test-file-tampering: code under test deleting, moving or rewriting the files the test run is
 * made of — test files (`test_*.py`, `*_test.py`), test folders (`tests/`, `test/`), `conftest.py`,
 * `pytest.ini`, `tox.ini`/`setup.cfg`/`pyproject.toml`, expected-output files — with `os.remove`/`os.unlink`/`os.rmdir`,
 * `shutil.rmtree`/`shutil.move`/`shutil.copy*`, `os.rename`/`os.replace`, `Path.unlink`/`rmdir`/
 * `rename`/`replace`/`write_text`/`write_bytes`, `open(..., "w")` or a literal `rm`/`mv`/`sed -i` shell command.
 *
 * Only a target that is recognisably part of the test run is reported: a string literal or a path built
 * from literals (`Path("tests") / "test_x.py"`, `os.path.join(ROOT, "tests")`, a loop or comprehension
 * over `glob.glob("tests/test_*.py")`). Paths held in plain variables (build and cleanup tools), temporary
 * directories (`tempfile`, `tmp_path`, `tmp*` names, `TemporaryDirectory().name`), cache folders
 * (`__pycache__`, `.pytest_cache`) and data-set splits (`data/test`, `os.path.join(output_dir, "test")`)
 * stay quiet, as does everything in tests and test infrastructure. Under a folder the caller passes in
 * (a parameter, an attribute) the finding is a warning.
 */
import { callArguments, dottedName, enclosingFunction, functionName, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import { isTestSide } from '../../engine/roles';
import type { Rule } from '../../engine/rule';
import type { Severity } from '../../engine/types';
import { describeTestPath, pathOf, testPathKind, type FileContext, type PathInfo, type TestPathMatch } from './helpers';

type Action = 'delete' | 'move' | 'overwrite' | 'write';

interface Target {
  expr: Node;
  action: Action;
}

const DELETE_FUNCTIONS = new Set(['os.remove', 'os.unlink', 'os.rmdir', 'os.removedirs', 'shutil.rmtree', 'os.truncate']);
const MOVE_FUNCTIONS = new Set(['os.rename', 'os.renames', 'os.replace', 'shutil.move']);
const COPY_FUNCTIONS = new Set(['shutil.copy', 'shutil.copy2', 'shutil.copyfile', 'shutil.copytree']);
const OPEN_FUNCTIONS = new Set(['builtins.open', 'io.open', 'codecs.open']);
const SHELL_FUNCTIONS = /^(os\.(system|popen)|subprocess\.(run|call|check_call|check_output|Popen|getoutput|getstatusoutput))$/;

/** A mode that writes: `w`, `a`, `x` or `+`. */
export function isWriteMode(mode: Node | undefined): boolean {
  if (!mode) return false;
  const s = stringValue(mode);
  return s !== undefined && /[wax+]/.test(s);
}

/** An expression that is certainly a `pathlib` path (so `.replace()`/`.rename()` are not `str` methods). */
function isPathLike(expr: Node, names: NameResolver, depth = 0): boolean {
  const n = unparen(expr);
  if (depth > 8) return false;
  if (n.type === 'call') {
    const q = names.callee(n) ?? '';
    if (/^(pathlib\.)?(Path|PurePath|PosixPath|WindowsPath)$/.test(q)) return true;
    const fn = n.childForFieldName('function');
    if (fn?.type === 'attribute' && /^(joinpath|resolve|absolute|with_name|with_suffix|expanduser)$/.test(fn.childForFieldName('attribute')?.text ?? '')) {
      return isPathLike(fn.childForFieldName('object')!, names, depth + 1);
    }
    return false;
  }
  if (n.type === 'binary_operator' && n.childForFieldName('operator')?.type === '/') return isPathLike(n.childForFieldName('left')!, names, depth + 1);
  if (n.type === 'attribute' && /^(parent|parents)$/.test(n.childForFieldName('attribute')?.text ?? '')) return true;
  if (n.type === 'identifier') {
    // One hop to a plain assignment in the same function or at module level.
    const scope = enclosingFunction(n)?.childForFieldName('body') ?? n.tree.rootNode;
    for (const stmt of scope.namedChildren) {
      const a = stmt.type === 'expression_statement' ? stmt.namedChild(0) : null;
      if (a?.type === 'assignment' && a.childForFieldName('left')?.text === n.text) return isPathLike(a.childForFieldName('right')!, names, depth + 1);
    }
  }
  return false;
}

/** Shell words of a literal command: `"rm -rf tests"` or `["rm", "-rf", "tests"]`. */
function shellWords(arg: Node | undefined): string[] | undefined {
  if (!arg) return undefined;
  const n = unparen(arg);
  const s = stringValue(n);
  if (s !== undefined) return s.split(/\s+/).filter(Boolean);
  if (n.type === 'list' || n.type === 'tuple') {
    const words = n.namedChildren.map((c) => stringValue(c));
    return words.every((w) => w !== undefined) ? (words as string[]) : undefined;
  }
  return undefined;
}

interface ShellHit {
  action: Action;
  match: TestPathMatch;
}

/** `rm -rf tests`, `mv tests/test_x.py /tmp`, `git rm tests/test_x.py`, `sed -i 's/assert/pass/' tests/test_x.py`. */
function shellTampering(words: string[], file: FileContext): ShellHit | undefined {
  let i = 0;
  if (words[0] === 'git' && /^(rm|mv)$/.test(words[1] ?? '')) i = 1;
  const cmd = words[i];
  if (!cmd || !/^(rm|mv|unlink|rmdir|truncate|sed)$/.test(cmd)) return undefined;
  const operands = words.slice(i + 1);
  if (cmd === 'sed') return sedInPlace(operands, file);
  const action: Action = cmd === 'mv' ? 'move' : cmd === 'truncate' ? 'overwrite' : 'delete';
  for (const w of operands) {
    if (w.startsWith('-')) continue;
    const info = { parts: [{ lit: w }], temporary: /^\/(tmp|var\/tmp)\//.test(w), hasLiteral: true };
    const match = testPathKind(info, file);
    if (match) return { action, match };
  }
  return undefined;
}

/** `sed -i script file...`: the files after the script (or after `-e script`) are rewritten in place. */
function sedInPlace(operands: string[], file: FileContext): ShellHit | undefined {
  if (!operands.some((w) => /^(-i|--in-place)/.test(w))) return undefined;
  const hasScriptFlag = operands.some((w) => /^(-e|--expression|-f|--file)/.test(w));
  let scriptSeen = hasScriptFlag;
  for (let k = 0; k < operands.length; k++) {
    const w = operands[k]!;
    if (/^(-e|--expression|-f|--file)$/.test(w)) k++;
    if (w.startsWith('-')) continue;
    if (!scriptSeen) {
      scriptSeen = true;
      continue;
    }
    const match = testPathKind({ parts: [{ lit: w }], temporary: /^\/(tmp|var\/tmp)\//.test(w), hasLiteral: true }, file);
    if (match) return { action: 'overwrite', match };
  }
  return undefined;
}

const PATH_METHODS = new Set(['unlink', 'rmdir', 'write_text', 'write_bytes', 'rename', 'replace', 'open']);

/** Last names of every callee the rule knows: a method call named otherwise can be skipped unresolved. */
const KNOWN_LAST_NAMES = new Set([
  ...[...DELETE_FUNCTIONS, ...MOVE_FUNCTIONS, ...COPY_FUNCTIONS, ...OPEN_FUNCTIONS].map((q) => q.slice(q.lastIndexOf('.') + 1)),
  'system', 'popen', 'run', 'call', 'check_call', 'check_output', 'Popen', 'getoutput', 'getstatusoutput',
  ...PATH_METHODS,
]);

const KNOWN_FUNCTIONS = new Set([...DELETE_FUNCTIONS, ...MOVE_FUNCTIONS, ...COPY_FUNCTIONS, ...OPEN_FUNCTIONS]);

/** `q` is the call's resolved callee (`names.callee(call) ?? ''`). */
function targetsOf(call: Node, q: string, names: NameResolver): Target[] {
  if (!DELETE_FUNCTIONS.has(q) && !MOVE_FUNCTIONS.has(q) && !COPY_FUNCTIONS.has(q) && !OPEN_FUNCTIONS.has(q)) {
    const f = call.childForFieldName('function');
    if (f?.type !== 'attribute' || !PATH_METHODS.has(f.childForFieldName('attribute')?.text ?? '')) return [];
  }
  const args = callArguments(call);
  const [a0, a1] = args.positional;
  const out: Target[] = [];
  if (DELETE_FUNCTIONS.has(q)) {
    const p = a0 ?? args.keywords.get('path');
    if (p) out.push({ expr: p, action: q === 'os.truncate' ? 'overwrite' : 'delete' });
    return out;
  }
  if (MOVE_FUNCTIONS.has(q)) {
    if (a0) out.push({ expr: a0, action: 'move' });
    if (a1) out.push({ expr: a1, action: 'overwrite' });
    return out;
  }
  if (COPY_FUNCTIONS.has(q)) {
    const dst = a1 ?? args.keywords.get('dst');
    if (dst) out.push({ expr: dst, action: 'overwrite' });
    return out;
  }
  if (OPEN_FUNCTIONS.has(q)) {
    const file = a0 ?? args.keywords.get('file') ?? args.keywords.get('filename');
    if (file && isWriteMode(a1 ?? args.keywords.get('mode'))) out.push({ expr: file, action: 'write' });
    return out;
  }
  const fn = call.childForFieldName('function');
  if (fn?.type !== 'attribute') return out;
  const method = fn.childForFieldName('attribute')?.text ?? '';
  const obj = fn.childForFieldName('object');
  if (!obj) return out;
  switch (method) {
    case 'unlink':
    case 'rmdir':
      if (args.positional.length === 0) out.push({ expr: obj, action: 'delete' });
      break;
    case 'write_text':
    case 'write_bytes':
      out.push({ expr: obj, action: 'write' });
      break;
    case 'rename':
    case 'replace':
      if (isPathLike(obj, names) && a0) {
        out.push({ expr: obj, action: 'move' });
        out.push({ expr: a0, action: 'overwrite' });
      }
      break;
    case 'open':
      if (isPathLike(obj, names) && isWriteMode(a0 ?? args.keywords.get('mode'))) out.push({ expr: obj, action: 'write' });
      break;
  }
  return out;
}

function verb(action: Action): string {
  switch (action) {
    case 'delete':
      return 'deletes';
    case 'move':
      return 'moves away';
    case 'overwrite':
      return 'overwrites';
    case 'write':
      return 'rewrites';
  }
}

function consequence(match: TestPathMatch, action: Action, severity: Severity): string {
  if (match.kind === 'project-config' && severity === 'info') return 'harmless for packaging tools, a hack if the file holds the test-run configuration';
  if (match.kind === 'conftest' || match.kind === 'pytest-config' || match.kind === 'project-config') {
    return action === 'delete' || action === 'move'
      ? 'the test run loses its configuration and hooks'
      : 'the code under test decides how its own tests are collected and reported';
  }
  if (match.kind === 'expected-output') return 'the answers the tests compare against are no longer the reference';
  return action === 'write' || action === 'overwrite'
    ? 'the tests that run are no longer the tests that were written'
    : 'the tests that would fail are no longer collected, and the run reports success';
}

const TEST_CONFIG_TEXT = /pytest|testpaths|addopts|python_files|python_functions|collect_ignore|norecursedirs/;

/**
 * The write puts test-run settings into a shared config file: in its arguments, its `with` block, its
 * statement (`open(p, "w").write(...)`), or the next two statements using the file (`fh = open(p, "a")`).
 */
function writesTestConfig(call: Node): boolean {
  if (TEST_CONFIG_TEXT.test(call.text)) return true;
  for (let p = call.parent, i = 0; p && i < 6; p = p.parent, i++) {
    if (p.type === 'with_statement') return TEST_CONFIG_TEXT.test(p.text);
    if (p.type === 'expression_statement') {
      if (TEST_CONFIG_TEXT.test(p.text)) return true;
      const assigned = p.namedChild(0)?.type === 'assignment' ? p.namedChild(0)!.childForFieldName('left') : null;
      if (assigned?.type !== 'identifier') return false;
      const uses = new RegExp(`\\b${assigned.text}\\b`);
      for (let stmt = p.nextNamedSibling, k = 0; stmt && k < 2; stmt = stmt.nextNamedSibling, k++) {
        if (uses.test(stmt.text) && TEST_CONFIG_TEXT.test(stmt.text)) return true;
      }
      return false;
    }
    if (p.type === 'function_definition' || p.type === 'module') break;
  }
  return false;
}

export const testFileTampering: Rule = {
  meta: {
    code: 'RH602',
    name: 'test-file-tampering',
    family: 'RH6',
    defaultSeverity: 'error',
    severityByRole: { 'code-under-test': 'error', 'entry-point': 'warning', test: 'off', 'test-infrastructure': 'off' },
    docs: {
      summary: 'Code under test deletes, moves or rewrites test files, test folders, `conftest.py`, `pytest.ini` or expected-output files.',
      why: [
        'A test run can only fail if the failing test is collected. Code that runs during the tests (an import,',
        'a function the tests call) and deletes `tests/test_solution.py`, removes the `tests/` folder, renames it,',
        'rewrites a test file with a trivial one, or replaces `conftest.py`/`pytest.ini`, changes *which* tests run:',
        'the run then reports success for tests that no longer exist.',
        '',
        'The rule recognises `os.remove`, `os.unlink`, `os.rmdir`, `shutil.rmtree`, `shutil.move`, `shutil.copy*`',
        '(destination), `os.rename`/`os.replace`, `Path.unlink`/`rmdir`/`rename`/`replace`/`write_text`/`write_bytes`,',
        '`open(..., "w")` and literal `rm`/`mv`/`sed -i` shell commands, when the target is a string literal or a path built from',
        'literals: `Path("tests") / "test_x.py"`, `os.path.join(ROOT, "tests")`, a loop or comprehension over',
        '`glob.glob("tests/test_*.py")`, `__file__.replace("solution.py", "test_solution.py")`. Writing a pytest section into',
        '`setup.cfg`, `tox.ini` or `pyproject.toml` (`[tool.pytest.ini_options]` with `addopts = "--ignore=tests"`) counts too.',
        '',
        'A `tests`/`test` folder is the project\'s when it starts a relative path (`"tests/..."`), follows the project',
        'root (`os.path.dirname(__file__)`, `ROOT`) or sits in a package (`"mypkg/tests"`). Under a data folder it is a',
        'data set\'s split instead: `data/test`, `dataset/test/images`, `output/test/predictions.csv`,',
        '`os.path.join(data_dir, "test")`; so is a singular `test` folder in a data module (`data.py`, `datasets/...`) or',
        'in a file that also names a `train` split.',
      ].join('\n'),
      example: ['import shutil', '', 'def solve(data):', '    shutil.rmtree("tests", ignore_errors=True)', '    return data'].join('\n'),
      instead: 'Leave the tests alone and fix the code. If a test is wrong, say so in the change description and change it in the open, in a test file, where a reviewer sees it.',
      lookAlikes: [
        'Temporary directories: `tempfile.mkdtemp()`, `TemporaryDirectory()` and its `.name` (through a local or `self` attribute), `tmp_path`, `tmpdir`, names starting with `tmp`: quiet.',
        'Data-set splits named `test` (`shutil.rmtree("data/test")`, `open("output/test/predictions.csv", "w")`, `os.path.join(data_dir, "test")`, a `test` split next to `train` or in a data module): quiet. Test files (`data/test/test_model.py`) still count.',
        'Fixtures and tests that build a scratch `tests/` folder inside `tmp_path` and remove it: quiet (test role).',
        'Build and cleanup tools that operate on variables with no literal test path (`shutil.rmtree(build_dir)`): quiet.',
        'Cache folders (`tests/__pycache__`, `.pytest_cache`, `*.pyc`): quiet.',
        'Reading test files is RH503, not this rule.',
        '`setup.cfg`/`tox.ini`/`pyproject.toml` deleted or rewritten without a pytest section (packaging tools such as `sdist` do this): `info`.',
        'Writing or deleting test files under a folder the caller passes in (a project generator scaffolding or cleaning `tests/` of the project it works on): `warning` instead of `error`, unless the parameter\'s default is the project itself (`root=os.path.dirname(__file__)`).',
        'A command-line script (entry point) doing the same: `warning` instead of `error`.',
      ],
    },
  },
  create(ctx) {
    // `roleAt` only ever turns code under test into an entry point, so the file's role decides test-side.
    if (isTestSide(ctx.role)) return {};
    return {
      call(node) {
        // `obj.method(...)` resolves (if at all) to a name ending in `.method`; `targetsOf` looks at the method.
        const callee = node.childForFieldName('function');
        const f = callee && unparen(callee);
        if (f?.type === 'attribute' && !KNOWN_LAST_NAMES.has(f.childForFieldName('attribute')?.text ?? '')) return;
        // A bare name resolves through its binding alone (`names.callee` would answer the same), and is a
        // target only as one of the known functions: `targetsOf` needs a method call otherwise.
        const q = (callee?.type === 'identifier' ? ctx.names.lookup(callee.text) : ctx.names.callee(node)) ?? '';
        if (callee?.type === 'identifier' && !KNOWN_FUNCTIONS.has(q) && !SHELL_FUNCTIONS.test(q)) return;
        const hits: { node: Node; action: Action; match: TestPathMatch; base?: PathInfo['base'] }[] = [];
        if (q.startsWith('os.') || q.startsWith('subprocess.') ? SHELL_FUNCTIONS.test(q) : false) {
          const words = shellWords(callArguments(node).positional[0] ?? callArguments(node).keywords.get('args'));
          const hit = words && shellTampering(words, ctx);
          if (hit) hits.push({ node, ...hit });
        } else {
          for (const t of targetsOf(node, q, ctx.names)) {
            const info = pathOf(t.expr, ctx.names);
            const match = testPathKind(info, ctx);
            if (match) {
              hits.push({ node, action: t.action, match, base: info.base });
              break;
            }
          }
        }
        const hit = hits[0];
        if (!hit) return;
        const role = ctx.roleAt(node);
        let severity: Severity = 'error';
        if (hit.match.kind === 'project-config') {
          // `setup.cfg`/`tox.ini` are build configuration too: only writing a pytest section is a finding.
          if (!writesTestConfig(node)) severity = 'info';
        } else {
          // Writing data into the test folder is less certain than rewriting a test.
          if ((hit.action === 'write' || hit.action === 'overwrite') && hit.match.kind === 'in-test-folder' && !/\.py$|…$/.test(hit.match.display)) severity = 'warning';
          // So is any change under a folder given by the caller (a parameter, an attribute): a project
          // generator scaffolding or cleaning `tests/` of the project it works on.
          if (hit.base === 'other') severity = 'warning';
        }
        if (role === 'entry-point' && severity !== 'info') severity = severity === 'error' ? 'warning' : 'info';
        const fn = enclosingFunction(node);
        const where = role === 'entry-point' ? 'in a script' : fn ? `in \`${functionName(fn)}()\` of code under test` : 'at import time in code under test';
        const callText = dottedName(node.childForFieldName('function')) ?? node.childForFieldName('function')?.text ?? 'call';
        ctx.report({
          node,
          message: `\`${callText}(...)\` ${where} ${verb(hit.action)} ${describeTestPath(hit.match)}: ${consequence(hit.match, hit.action, severity)}.`,
          severity,
        });
      },
    };
  },
};
