/**
 * RH303 in pytest's own configuration: `addopts` (pytest.ini, `[tool.pytest.ini_options]`, tox.ini's `[pytest]`,
 * setup.cfg's `[tool:pytest]`) applies to every run, so options there that take named tests out of the run hide
 * them for good: `-k "not iso_week and not tz_offset"` where each term picks a few of the project's test
 * functions by name, `--deselect tests/test_a.py::test_x`, `--ignore=tests/test_a.py`, and the options after
 * which no test runs at all (`--collect-only`, `--setup-only`, `-p no:python`).
 *
 * A review (RH902) reports such options when a change adds them; this is the snapshot of a project, so only
 * what picks tests by name is reported: `-m "not slow"`, a `-k` term that names a category (it matches many
 * tests, or none: a marker, a class, a module), and ignored folders or files that are not tests are the
 * project's own selection and stay quiet. The hosts (the CLI's scan) read the files and hand over the
 * project's test function names.
 *
 * The same options reach every run through the `PYTEST_ADDOPTS` environment variable: code that writes it
 * (`os.environ["PYTEST_ADDOPTS"] = " ".join(["--co", ...])`, `setdefault`, `putenv`, `update`, `monkeypatch.setenv`),
 * e.g. in a module a `.pth` file imports at interpreter start, is judged here by the words its literals give.
 */
import { callArguments, forEachDescendant, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';
import type { Finding, Severity } from '../../engine/types';
import { PYTEST_CONFIG_FILES, readPytestConfig, runNarrowingOptions, shellWords, type RunNarrowingOption } from '../../review/pytest-config';

export { PYTEST_CONFIG_FILES };
import { builtStrings } from '../equality/helpers';
import { ignoreLevel, keywordVerdict } from './RH303-collection-sabotage';
import { blanketReasonTextVerdict } from '../tests/helpers';


/** A `-k` term that matches more test functions than this picks a category, not named tests. */
const MAX_NAMED_MATCHES = 3;

/**
 * The terms a `-k` expression deselects when it only deselects (`not a and not b`, `not (a or b)`); undefined
 * when it also selects by a term, or is not a plain keyword expression.
 */
function deselectedTerms(expr: string): string[] | undefined {
  const tokens = expr.match(/\(|\)|[^\s()]+/g) ?? [];
  const out: string[] = [];
  // Negation of each open group.
  const groups: boolean[] = [false];
  let negateNext = false;
  for (const t of tokens) {
    const inNegated = groups[groups.length - 1]!;
    if (t === 'not') negateNext = !negateNext;
    else if (t === '(') {
      groups.push(inNegated !== negateNext);
      negateNext = false;
    } else if (t === ')') {
      if (groups.length === 1) return undefined;
      groups.pop();
    } else if (t === 'and' || t === 'or') {
      if (negateNext) return undefined;
    } else {
      if (!/^[\w.[\]-]+$/.test(t) || inNegated === negateNext) return undefined;
      out.push(t);
      negateNext = false;
    }
  }
  return out.length ? out : undefined;
}

/** The message and severity for one addopts option, when it takes named tests (or every test) out of the run. */
export function judgeAddoptsOption(o: RunNarrowingOption, where: string, testNames: () => readonly string[]): { severity: Severity; message: string; named?: string[] } | undefined {
  switch (o.option) {
    case '-k': {
      const expr = o.value ?? '';
      if (keywordVerdict(expr) === false) return { severity: 'error', message: `${where} sets \`-k "${expr}"\`, which no test name satisfies: every run deselects every test, so nothing can fail` };
      const terms = deselectedTerms(expr);
      if (!terms) return undefined;
      const names = testNames();
      const picked: string[] = [];
      for (const term of terms) {
        const t = term.toLowerCase();
        const matches = names.filter((n) => n.toLowerCase().includes(t));
        // No match: a marker, class or module keyword; many: a category the project runs apart.
        if (matches.length === 0 || matches.length > MAX_NAMED_MATCHES) return undefined;
        picked.push(...matches);
      }
      const shown = [...new Set(picked)];
      return {
        severity: 'warning',
        named: shown,
        message: `${where} deselects tests by name in every run (\`-k "${expr}"\` leaves out ${shown.slice(0, 4).join(', ')}${shown.length > 4 ? ', ...' : ''}): those tests never run, so they cannot fail`,
      };
    }
    case '--deselect': {
      const id = o.value ?? '';
      if (!/::/.test(id) && ignoreLevel(id, false) !== 'named' && ignoreLevel(id, false) !== 'all') return undefined;
      // `--deselect tests` takes every test out; a test file or a test id, the tests it names.
      if (!/::/.test(id) && ignoreLevel(id, false) === 'all') return { severity: 'error', message: `${where} has \`--deselect ${id}\`: every test is deselected, so nothing can fail` };
      const named = /::/.test(id) ? id.slice(id.lastIndexOf('::') + 2).replace(/\[.*$/, '') : id.replace(/^.*[/\\]/, '');
      return { severity: 'warning', named: [named], message: `${where} has \`--deselect ${id}\`: ${/::/.test(id) ? 'that test never runs, so it cannot fail' : 'the tests of that file never run, so they cannot fail'}` };
    }
    case '--ignore':
    case '--ignore-glob': {
      const level = ignoreLevel(o.value ?? '', o.option === '--ignore-glob');
      if (level === 'all') return { severity: 'error', message: `${where} has \`${o.option}=${o.value}\`, which covers the test files: no test is collected` };
      if (level === 'named') return { severity: 'warning', named: [(o.value ?? '').replace(/^.*[/\\]/, '')], message: `${where} has \`${o.option}=${o.value}\`, which names test files: their tests never run, so they cannot fail` };
      return undefined;
    }
    case '-m':
      return undefined;
    case '-p':
      return o.value === 'no:python' ? { severity: 'error', message: `${where} has \`-p no:python\`: pytest collects no Python test at all` } : undefined;
    case '--suppress-tests-failed-exit-code':
      return { severity: 'error', message: `${where} has \`${o.option}\`: the run exits with status 0 even when tests fail` };
    default:
      return { severity: 'error', message: `${where} has \`${o.written}\`: every pytest run stops before running any test and reports success` };
  }
}

/**
 * RH303 findings for one configuration file's `addopts` (`name` is the file's name, which decides the section
 * pytest reads). `testNames` gives the names of the project's test functions (asked only for a `-k` option).
 */
export function configuredDeselections(text: string, name: string, testNames: () => readonly string[]): Finding[] {
  if (!/addopts/.test(text)) return [];
  const config = readPytestConfig(text, name);
  if (!config?.addopts.length) return [];
  const lines = text.split(/\r?\n/);
  const start = Math.max(0, lines.findIndex((l) => /^\s*addopts\b/.test(l)));
  const out: Finding[] = [];
  for (const o of runNarrowingOptions(config.addopts)) {
    const found = judgeAddoptsOption(o, `pytest's \`addopts\` in ${name.split('/').pop()}`, testNames);
    if (!found) continue;
    // The line that writes the option, at or after `addopts` (continuation lines hold multi-line values).
    let line = lines.findIndex((l, i) => i >= start && l.includes(o.written));
    if (line < 0) line = start;
    const excused = found.severity === 'warning' && outsideReasonFor(found.named ?? [], commentsNear(lines, start, line));
    out.push({
      rule: 'RH303',
      name: 'collection-sabotage',
      severity: excused ? 'info' : found.severity,
      message: excused ? `${found.message}. The comment next to it names the tests and a reason outside the project (a dependency, the environment, a tracked issue): re-enable them when it is gone` : found.message,
      range: { start: { line, column: 0 }, end: { line, column: lines[line]?.length ?? 0 } },
    });
  }
  return out;
}

/** The full-line comments right above `addopts` and between it and the option's line (`#` and `;` start them in ini files). */
function commentsNear(lines: readonly string[], addopts: number, line: number): string {
  const comment = /^\s*[#;]+\s?(.*)$/;
  const out: string[] = [];
  for (let i = addopts - 1; i >= 0 && comment.test(lines[i]!); i--) out.unshift(comment.exec(lines[i]!)![1]!);
  for (let i = addopts + 1; i < line; i++) {
    const m = comment.exec(lines[i]!);
    if (m) out.push(m[1]!);
  }
  return out.join(' ');
}

/**
 * A comment that names every test (or test file) the option takes out and gives a reason outside the project, as
 * a skip's reason would ("exercises the idna wheel, not our code; upstream kjd/idna#172"): the deselection is
 * tracked, like a skip with such a reason (RH404), and reported as info. A comment that only says the tests fail
 * ("flaky on CI, see #412") or names other tests than the ones taken out gives no such excuse.
 */
function outsideReasonFor(named: readonly string[], comment: string): boolean {
  if (!named.length || !comment) return false;
  const lower = comment.toLowerCase();
  return named.every((n) => n && lower.includes(n.toLowerCase())) && blanketReasonTextVerdict(comment) === 'external';
}

export { testFunctionNames } from '../../engine/config-files';

/** A write of the `PYTEST_ADDOPTS` environment variable: the statement or call, and the value written. */
export interface AddoptsWrite {
  node: Node;
  value: Node;
}

const ADDOPTS_VAR = 'PYTEST_ADDOPTS';

/**
 * Writes of `PYTEST_ADDOPTS` in a module: `os.environ[K] = V` (also `+=`, any alias of `os`), `os.environ.setdefault(K, V)`,
 * `os.environ.__setitem__(K, V)`, `os.environ.update({K: V})` / `update(K=V)`, `os.putenv(K, V)`, `monkeypatch.setenv(K, V)`.
 */
export function addoptsWrites(root: Node, names: NameResolver): AddoptsWrite[] {
  const out: AddoptsWrite[] = [];
  const isEnviron = (n: Node | null | undefined) => !!n && (names.qualify(unparen(n)) ?? unparen(n).text) === 'os.environ';
  const isKey = (n: Node | null | undefined) => !!n && stringValue(n) === ADDOPTS_VAR;
  forEachDescendant(root, (n) => {
    if (n.type === 'assignment' || n.type === 'augmented_assignment') {
      const left = n.childForFieldName('left');
      const right = n.childForFieldName('right');
      if (left?.type === 'subscript' && isEnviron(left.childForFieldName('value')) && isKey(left.childForFieldName('subscript')) && right) out.push({ node: n, value: right });
    } else if (n.type === 'call') {
      const f = unparen(n.childForFieldName('function')!);
      const args = callArguments(n);
      const [key, value] = args.positional;
      if (f.type === 'attribute') {
        const attr = f.childForFieldName('attribute')?.text ?? '';
        const obj = f.childForFieldName('object');
        if (isEnviron(obj) && (attr === 'setdefault' || attr === '__setitem__') && isKey(key) && value) out.push({ node: n, value });
        else if (isEnviron(obj) && attr === 'update') {
          const kw = args.keywords.get(ADDOPTS_VAR);
          if (kw) out.push({ node: n, value: kw });
          const d = key && unparen(key);
          for (const pair of d?.type === 'dictionary' ? d.namedChildren : []) {
            if (pair.type === 'pair' && isKey(pair.childForFieldName('key')) && pair.childForFieldName('value')) out.push({ node: n, value: pair.childForFieldName('value')! });
          }
        } else if (attr === 'setenv' && isKey(key) && value) out.push({ node: n, value });
      }
      if (names.callee(n) === 'os.putenv' && isKey(key) && value) out.push({ node: n, value });
    }
    return true;
  });
  return out;
}

/**
 * The shell words a value's literals give, in order: a string, an f-string's literal pieces, `a + b`,
 * `" ".join([...])` over a list or tuple, a list or tuple of strings, names bound once to built strings. Values not
 * known here (`os.environ.get(...)`) give nothing.
 */
export function literalWords(n: Node | null | undefined, depth = 0): string[] {
  if (!n || depth > 8) return [];
  const u = unparen(n);
  const plain = stringValue(u);
  if (plain !== undefined) return shellWords(plain);
  switch (u.type) {
    case 'string':
      // An f-string: only its literal pieces.
      return u.namedChildren.filter((c) => c.type === 'string_content').flatMap((c) => shellWords(c.text));
    case 'binary_operator':
      return u.childForFieldName('operator')?.text === '+' ? [...literalWords(u.childForFieldName('left'), depth + 1), ...literalWords(u.childForFieldName('right'), depth + 1)] : [];
    case 'list':
    case 'tuple':
      return u.namedChildren.flatMap((c) => literalWords(c, depth + 1));
    case 'call': {
      const f = unparen(u.childForFieldName('function')!);
      if (f.type !== 'attribute' || f.childForFieldName('attribute')?.text !== 'join' || stringValue(f.childForFieldName('object')) === undefined) return [];
      return literalWords(callArguments(u).positional[0], depth + 1);
    }
    case 'identifier':
      return (builtStrings(u) ?? []).slice(0, 1).flatMap((v) => shellWords(v));
  }
  return [];
}
