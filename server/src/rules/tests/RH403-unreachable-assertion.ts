/**
 * RH403 unreachable-assertion: a test body that returns, skips (`pytest.skip()`, `self.skipTest()`,
 * `raise unittest.SkipTest`) or imperatively xfails (`pytest.xfail()`) unconditionally before its
 * assertions. The early exit is reported (warning); every assertion after it is reported as dead code
 * (hint, tagged `unnecessary` so editors grey it out). An exit inside `if True:` (or another constant-true
 * condition) is as unconditional as one in the test body. Exits inside `if`/`try`/loops (environment
 * gates, platform checks) and skips with nothing checked after them stay quiet; an exit that a comment or
 * reason ties to the environment or a tracked issue, or that comes after the test already checked
 * something, is info.
 */
import { forEachInScope, functionName, stringValue, type Node } from '../../engine/ast';
import { mentionedInFile } from '../../engine/prefilter';
import type { Rule, RuleContext } from '../../engine/rule';
import type { Fix, Severity } from '../../engine/types';
import { classifyReasonText, isAssertion, isCheckingCall, isTestFunction, literalTruth, quoteReason, SKIP_WORDS, skipSiteOf } from './helpers';

interface Exit {
  stmt: Node;
  display: string;
  kind: 'return' | 'skip' | 'xfail';
  reason?: Node;
}

/**
 * The statement ends the test unconditionally: `return`, a skip or xfail call, `raise SkipTest`.
 * `maySkip` says whether the file can have skip sites at all (most files cannot: only returns are asked about).
 */
function exitOf(stmt: Node, ctx: RuleContext, maySkip: () => boolean): Exit | undefined {
  if (stmt.type === 'return_statement') return { stmt, display: stmt.text.split('\n')[0]!.trim() === 'return' ? '`return`' : '`return ...`', kind: 'return' };
  if (stmt.type !== 'raise_statement' && stmt.type !== 'expression_statement') return undefined;
  if (!maySkip()) return undefined;
  let target: Node | null = null;
  if (stmt.type === 'raise_statement') target = stmt;
  else if (stmt.type === 'expression_statement' && stmt.namedChild(0)?.type === 'call') target = stmt.namedChild(0);
  if (!target) return undefined;
  const site = skipSiteOf(target, ctx.names);
  if (!site) return undefined;
  return { stmt, display: `\`${site.display}\``, kind: site.kind, reason: site.reason };
}

/** The statements of a block (its named children without comments). */
function statements(children: readonly Node[]): Node[] {
  return children.filter((c) => c.type !== 'comment');
}

/**
 * Walks the statements the test always executes (its body and the bodies of `with` blocks in it) and
 * returns the first unconditional exit with the statements it makes unreachable.
 */
function firstExit(body: Node, ctx: RuleContext, maySkip: () => boolean): { exit: Exit; dead: Node[] } | undefined {
  // Each frame: a block's named children (shared, not copied: comments are passed over as met), the
  // index of the next one, and whether it is the body of a `with` (whose context manager may catch a skip);
  // frames nest through `with` bodies and `if <constant true>:` bodies.
  const path: { children: readonly Node[]; index: number; isWith: boolean }[] = [{ children: body.namedChildren, index: 0, isWith: false }];
  while (path.length) {
    const frame = path[path.length - 1]!;
    if (frame.index >= frame.children.length) {
      path.pop();
      continue;
    }
    const stmt = frame.children[frame.index]!;
    frame.index++;
    if (stmt.type === 'comment') continue;
    const exit = exitOf(stmt, ctx, maySkip);
    if (exit) {
      const dead: Node[] = [];
      // Everything after the exit in its block and in every enclosing block. A skip is an exception, which a
      // context manager may catch (`with self.subTest():` turns it into a skipped subtest), so it only
      // makes the rest of the blocks up to the innermost `with` body unreachable; a `return` leaves every block.
      let outermost = path.length - 1;
      if (exit.kind === 'return') outermost = 0;
      else while (outermost > 0 && !path[outermost]!.isWith) outermost--;
      for (let i = path.length - 1; i >= outermost; i--) {
        const f = path[i]!;
        dead.push(...statements(f.children.slice(f.index)));
      }
      return { exit, dead };
    }
    if (stmt.type === 'with_statement') {
      const b = stmt.childForFieldName('body');
      if (b) path.push({ children: b.namedChildren, index: 0, isWith: true });
    } else if (stmt.type === 'if_statement' && literalTruth(stmt.childForFieldName('condition')) === true) {
      // `if True:` / `if 1:` always runs its body: an exit there is an unconditional exit in disguise.
      const b = stmt.childForFieldName('consequence');
      if (b) path.push({ children: b.namedChildren, index: 0, isWith: false });
    }
  }
  return undefined;
}

/** Assertions and checking calls in the dead statements. */
function deadChecks(dead: Node[], ctx: RuleContext): Node[] {
  const out: Node[] = [];
  for (const stmt of dead) {
    if (isAssertion(stmt) || (stmt.type === 'call' && isCheckingCall(stmt, ctx.names))) out.push(stmt);
    forEachInScope(stmt, (n) => {
      if (n.type === 'assert_statement' || (n.type === 'call' && isCheckingCall(n, ctx.names))) {
        out.push(n);
        return false;
      }
      return true;
    });
  }
  return out;
}

/** The comment lines directly above `stmt` and its trailing comment: where a disabled test says why. */
function commentsAround(stmt: Node, lines: string[]): string {
  const out: string[] = [];
  const own = lines[stmt.startPosition.row] ?? '';
  const hash = own.indexOf('#');
  if (hash >= 0) out.push(own.slice(hash + 1));
  for (let row = stmt.startPosition.row - 1; row >= 0 && row >= stmt.startPosition.row - 8; row--) {
    const t = (lines[row] ?? '').trim();
    if (!t.startsWith('#')) break;
    out.push(t.slice(1));
  }
  return out.join(' ');
}

/** Does the test run an assertion before the exit (so it still checks something)? */
function checksBefore(body: Node, exitStmt: Node, ctx: RuleContext): boolean {
  let found = false;
  forEachInScope(body, (n) => {
    if (found || n.startIndex >= exitStmt.startIndex) return false;
    if (n.type === 'assert_statement' || (n.type === 'call' && isCheckingCall(n, ctx.names))) found = true;
    return !found;
  });
  return found;
}

function lineSpan(a: Node, b: Node): string {
  const s = a.startPosition.row + 1;
  const e = b.endPosition.row + 1;
  return s === e ? `line ${s}` : `lines ${s}-${e}`;
}

export const unreachableAssertion: Rule = {
  meta: {
    code: 'RH403',
    name: 'unreachable-assertion',
    family: 'RH4',
    defaultSeverity: 'warning',
    severityByRole: { test: 'warning', 'test-infrastructure': 'off', 'code-under-test': 'off', 'entry-point': 'off' },
    fixable: true,
    docs: {
      summary: 'Finds tests that return or skip unconditionally before their assertions, so the assertions never run.',
      why:
        'A `return` at the top of a test makes it pass without running a single check; an unconditional `pytest.skip()` ' +
        'or `self.skipTest()` turns a failing test into a skipped one. The assertions are still in the file, so the test ' +
        'looks intact in review, but the run no longer executes them.',
      example: 'def test_parse():\n    return\n    assert parse("1 + 2") == 3\n',
      instead: 'Remove the early `return`. If the test cannot run in some environment, skip it under a condition that names the environment (`@pytest.mark.skipif(sys.platform == "win32", reason=...)`); if it fails, fix the code or mark it `xfail(strict=True)` with the issue.',
      lookAlikes: [
        '`if not HAS_NUMPY: self.skipTest(...)`, `if sys.platform == "win32": pytest.skip(...)` — skips under a condition stay quiet (a constant-true condition such as `if True:` is no condition).',
        'A skip or `return` with nothing checked after it (the last statement of a test) stays quiet.',
        'An exit whose reason or comment names the environment or a tracked issue ("requires network", "needs numpy", "# XXX until gh-105716 is fixed", an issue URL) is `info`; "needs rework", "requires more work" or "needs to be fixed" name unfinished work, not the environment, and stay warnings.',
        'An exit after the test has already run assertions (only the rest of the test is disabled) is `info`.',
        'Early exits in helpers, fixtures and nested functions are not tests and stay quiet.',
        'The unreachable assertions themselves are reported as `hint` with the `unnecessary` tag (greyed out in editors).',
      ],
    },
  },
  create(ctx) {
    if (ctx.role !== 'test') return {};
    return {
      'module:exit'() {
        let skips: boolean | undefined;
        const maySkip = () => (skips ??= mentionedInFile(ctx, SKIP_WORDS));
        // Each def in document order (the order a `function_definition` listener would see them).
        for (const fn of ctx.root.descendantsOfType('function_definition')) if (fn) checkTest(ctx, fn, maySkip);
      },
    };
  },
};

function checkTest(ctx: RuleContext, fn: Node, maySkip: () => boolean): void {
  if (!isTestFunction(fn)) return;
  const body = fn.childForFieldName('body');
  if (!body) return;
  const found = firstExit(body, ctx, maySkip);
  if (!found) return;
  const checks = deadChecks(found.dead, ctx);
  if (!checks.length) return;
  const { exit } = found;
  const name = functionName(fn);
  const span = lineSpan(checks[0]!, checks[checks.length - 1]!);
  const count = checks.length === 1 ? 'its assertion' : `its ${checks.length} assertions`;
  let severity: Severity = 'warning';
  let message: string;
  const lines = ctx.source.split('\n');
  const note = commentsAround(exit.stmt, lines);
  const tracked = classifyReasonText(`${note} ${exit.reason ? stringValue(exit.reason) ?? exit.reason.text : ''} ${exit.kind === 'return' ? exit.stmt.text : ''}`) === 'external';
  const checkedBefore = checksBefore(body, exit.stmt, ctx);
  // An exit inside `if True:` is named with its constant condition, so the reader sees why it always runs.
  for (let p = exit.stmt.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'if_statement') {
      exit.display += ` (under \`if ${p.childForFieldName('condition')?.text ?? ''}:\`)`;
      break;
    }
  }
  if (exit.kind === 'return') {
    message = `${exit.display} ends \`${name}()\` before ${count} (${span}) can run: the test passes without checking anything after it.`;
  } else {
    const verb = exit.kind === 'xfail' ? 'marks it as an expected failure' : 'skips it';
    const reason = exit.reason ? ` (reason: ${quoteReason(exit.reason)})` : ' without a reason';
    message = `${exit.display} ${verb} unconditionally${reason} before ${count} (${span}) can run: \`${name}()\` can no longer fail.`;
  }
  if (tracked) {
    severity = 'info';
    message += ' The reason or comment names the environment or a tracked issue; skip under a condition, or mark it `xfail(strict=True)`, instead of hiding the assertions.';
  } else if (checkedBefore) {
    severity = 'info';
    message += ` The assertions before line ${exit.stmt.startPosition.row + 1} still run, so only the rest of the test is disabled.`;
  }
  const lineText = lines[exit.stmt.startPosition.row] ?? '';
  const aloneOnLine = lineText.replace(/#.*$/, '').trim() === exit.stmt.text.trim();
  // Removing the only statement of an `if True:` body would leave an empty block: no fix there.
  const inConstantIf = exit.stmt.parent?.parent?.type === 'if_statement';
  const fix: Fix | undefined =
    exit.kind === 'return' && aloneOnLine && !inConstantIf
      ? {
          title: 'Remove the early `return`',
          safe: false,
          edits: [
            {
              range: {
                start: { line: exit.stmt.startPosition.row, column: 0 },
                end: { line: exit.stmt.endPosition.row + 1, column: 0 },
              },
              newText: '',
            },
          ],
        }
      : undefined;
  ctx.report({
    node: exit.stmt,
    message,
    severity,
    fix,
    related: checks.slice(0, 5).map((c) => ({ node: c, message: 'unreachable assertion' })),
  });
  for (const c of checks) {
    ctx.report({
      node: c,
      message: `Unreachable: \`${name}()\` ${exit.kind === 'return' ? 'returns' : exit.kind === 'xfail' ? 'xfails' : 'is skipped'} on line ${exit.stmt.startPosition.row + 1}, so this assertion never runs.`,
      severity: 'hint',
      tags: ['unnecessary'],
    });
  }
}
