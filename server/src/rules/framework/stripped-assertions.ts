/**
 * The test runner started again with assertions stripped: `os.execv(sys.executable, [sys.executable, "-O",
 * "-m", "pytest", *args])` in a conftest hook, or a runner script's `subprocess.run([python, "-OO", "-m",
 * "pytest"])`. Python's `-O` removes every `assert` statement, so plain-`assert` tests pass whatever the
 * code does. (A test that runs a snippet under `-O` to check optimised behaviour does not run the test runner.)
 */
import { callArguments, stringValue, unparen, type Node } from '../../engine/ast';
import type { NameResolver } from '../../engine/names';

export interface StrippedRun {
  node: Node;
  /** The `-O`/`-OO` argument. */
  flag: Node;
  /** `os.exec*`: the current run is replaced by the optimised one. */
  replaces: boolean;
}

const EXEC = /^os\.exec(v|ve|vp|vpe|l|le|lp|lpe)$/;
const SUBPROCESS = /^subprocess\.(run|call|check_call|check_output|Popen)$/;
const RUNNER = /^(pytest|py\.test|unittest|nose2?)$/;

export function mayStripAssertions(source: string): boolean {
  return /["']-OO?["']/.test(source) && /pytest|unittest|nose/.test(source);
}

export function strippedAssertionRuns(root: Node, names: NameResolver): StrippedRun[] {
  const out: StrippedRun[] = [];
  for (const call of root.descendantsOfType('call')) {
    if (!call) continue;
    const q = names.callee(call) ?? '';
    const replaces = EXEC.test(q);
    if (!replaces && !SUBPROCESS.test(q)) continue;
    // The command's words: the list or tuple handed over (`execv(path, [...])`), or the positional strings (`execl`).
    const args = callArguments(call).positional;
    const words: Node[] = [];
    for (const a of args) {
      const u = unparen(a);
      if (u.type === 'list' || u.type === 'tuple') words.push(...u.namedChildren.filter((c) => c.type !== 'comment'));
      else words.push(u);
    }
    const flag = words.find((w) => /^-OO?$/.test(stringValue(w) ?? ''));
    if (!flag || !words.some((w) => RUNNER.test(stringValue(w) ?? ''))) continue;
    out.push({ node: call, flag, replaces });
  }
  return out;
}
