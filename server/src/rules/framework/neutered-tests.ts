/**
 * Test functions replaced by functions that do nothing: `setattr(cls, name, lambda self: None)` for every
 * `test*` name of a class (in `__init_subclass__`, a class decorator, a metaclass or a module-level loop),
 * `namespace[name] = lambda self: None` in a metaclass, `globals()[name] = lambda: None`, or
 * `TestParser.test_minutes = lambda self: None`. The runner still collects and runs the tests; they pass
 * without checking anything.
 *
 * A replacement that does something (a generated test from a case table, a `unittest.skip(...)` wrapper)
 * is no no-op and stays quiet here.
 */
import { callArguments, definitionOf, moduleClassNamed, stringValue, unparen, type Node } from '../../engine/ast';
import { isNoOp } from './helpers';

export interface NeuteredTest {
  node: Node;
  message: string;
}

/** A word that test names start with, as a string literal's text: `"test"`, `'test_'`. */
const TEST_PREFIX_LITERAL = /["']test/;

/** Cheap text gate: a no-op replacement needs a lambda or a def, and test names a `test` literal or attribute. */
export function mayNeuterTests(source: string): boolean {
  // A replaced test is named by a `"test..."` literal (the name itself, or the `startswith("test")` filter),
  // or written as an attribute (`TestX.test_y = ...`).
  return (TEST_PREFIX_LITERAL.test(source) && (source.includes('setattr') || source.includes('] ='))) || /\.test\w*\s*=(?!=)/.test(source);
}

export function neuteredTests(root: Node, source: string): NeuteredTest[] {
  if (!mayNeuterTests(source)) return [];
  const out: NeuteredTest[] = [];
  const noOp = (value: Node | null | undefined, scope: Node): Node | undefined => {
    const v = value && unparen(value);
    if (!v) return undefined;
    if (v.type === 'lambda') return isNoOp(v) ? v : undefined;
    const def = v.type === 'identifier' ? localDef(scope, v.text) : undefined;
    // isNoOp lets a def without calls through; an `assert` there still checks something.
    return def && isNoOp(def) && !def.descendantsOfType('assert_statement').length ? def : undefined;
  };
  for (const call of root.descendantsOfType('call')) {
    if (!call || call.childForFieldName('function')?.text !== 'setattr') continue;
    const args = callArguments(call);
    if (args.positional.length !== 3 || args.hasSplat) continue;
    const [target, name, value] = args.positional as [Node, Node, Node];
    const fn = noOp(value, call);
    if (!fn || !namesTests(name, call)) continue;
    // A literal name must be a test of a test class: `setattr(app, "testing", ...)` is configuration.
    const literal = stringValue(unparen(name));
    if (literal !== undefined && !holdsTest(target, literal, root)) continue;
    out.push({ node: call, message: messageFor(call, fn) });
  }
  for (const assign of root.descendantsOfType('assignment')) {
    const left = assign?.childForFieldName('left');
    if (!assign || !left) continue;
    const fn = noOp(assign.childForFieldName('right'), assign);
    if (!fn) continue;
    // `TestParser.test_minutes = lambda self: None`
    const attr = left.type === 'attribute' ? left.childForFieldName('attribute')?.text ?? '' : '';
    if (/^test/.test(attr) && holdsTest(left.childForFieldName('object')!, attr, root)) {
      out.push({ node: assign, message: messageFor(assign, fn) });
      continue;
    }
    // `ns[name] = lambda self: None` (a metaclass's namespace), `globals()[name] = lambda: None`
    if (left.type === 'subscript' && namesTests(left.childForFieldName('subscript'), assign)) out.push({ node: assign, message: messageFor(assign, fn) });
  }
  return out;
}

/**
 * Is `target` a test class holding `test`: a class of this file that defines it (or is named `Test*`, or
 * derives from a `*TestCase`), or a class imported from a test module (`from tests.test_io import TestIO`)?
 */
function holdsTest(target: Node, test: string, root: Node): boolean {
  const t = unparen(target);
  if (t.type !== 'identifier') return false;
  const cls = moduleClassNamed(root, t.text);
  if (cls) {
    if (/^Test/.test(t.text) || /TestCase\b/.test(cls.childForFieldName('superclasses')?.text ?? '')) return true;
    return !!cls.childForFieldName('body')?.namedChildren.some((m) => definitionOf(m).childForFieldName('name')?.text === test);
  }
  return root.descendantsOfType('import_from_statement').some((imp) => {
    const module = imp?.childForFieldName('module_name')?.text ?? '';
    return /(^|\.)(tests?|test_\w+|\w+_tests?)(\.|$)/.test(module) && imp!.namedChildren.some((c) => c.text === t.text || c.childForFieldName('alias')?.text === t.text);
  });
}

function messageFor(site: Node, fn: Node): string {
  const shown = site.text.split('\n')[0]!.trim();
  const what = fn.type === 'lambda' ? `\`${fn.text.split('\n')[0]!.trim()}\`` : `\`${fn.childForFieldName('name')?.text}()\`, which does nothing,`;
  return `\`${shown.length > 80 ? `${shown.slice(0, 77)}...` : shown}\` replaces test functions with ${what}: the runner still runs them, and they pass without checking anything.`;
}

/**
 * Does `name` name test functions where `site` uses it: a literal starting with `test`, or a loop variable
 * (`for name in vars(cls)`) that an enclosing condition restricts to test names (`name.startswith("test")`,
 * `fnmatch(name, "test*")`, `"test" in name`), or over a comprehension filtered that way.
 */
function namesTests(name: Node | null | undefined, site: Node): boolean {
  const n = name && unparen(name);
  if (!n) return false;
  const literal = stringValue(n);
  if (literal !== undefined) return /^test/.test(literal);
  if (n.type !== 'identifier') return false;
  for (let p = site.parent; p && p.type !== 'module' && p.type !== 'class_definition'; p = p.parent) {
    if ((p.type === 'if_statement' || p.type === 'elif_clause') && restrictsToTests(p.childForFieldName('condition'), n.text)) return true;
    if (p.type === 'for_statement' && p.childForFieldName('left')?.text === n.text) {
      const right = p.childForFieldName('right');
      // The comprehension's filter names its own variable: `[n for n in dir(C) if n.startswith("test")]`.
      const over = right && unparen(right);
      const own = over?.namedChildren.find((c) => c.type === 'for_in_clause')?.childForFieldName('left')?.text;
      return !!over && !!own && /comprehension|generator_expression/.test(over.type) && restrictsToTests(over, own);
    }
    if (p.type === 'function_definition') return false;
  }
  return false;
}

/** A condition (or a comprehension's filter) that holds only for names starting with `test`. */
function restrictsToTests(cond: Node | null | undefined, variable: string): boolean {
  if (!cond) return false;
  const text = cond.text;
  if (!TEST_PREFIX_LITERAL.test(text) || !text.includes(variable)) return false;
  // `not name.startswith("test")` picks the other names.
  if (/\bnot\b/.test(text)) return false;
  return /\.startswith\(\s*\(?\s*["']test|fnmatch\w*\([^,]+,\s*["']test|["']test\w*["']\s+in\b/.test(text);
}

/** A def named `name` in the function or class body around `site` (the nearest scope that binds it). */
function localDef(site: Node, name: string): Node | undefined {
  for (let p = site.parent; p; p = p.parent) {
    const body = p.type === 'module' ? p : p.type === 'function_definition' || p.type === 'class_definition' ? p.childForFieldName('body') : null;
    if (!body) continue;
    for (const stmt of body.namedChildren) {
      const def = stmt.type === 'decorated_definition' ? null : stmt;
      if (def?.type === 'function_definition' && def.childForFieldName('name')?.text === name) return def;
    }
  }
  return undefined;
}
