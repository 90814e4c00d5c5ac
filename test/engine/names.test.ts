/** Name resolution through imports and aliases, on real tree-sitter parses. */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../server/src/engine';
import { forEachDescendant, type Node } from '../../server/src/engine/ast';
import { NameResolver } from '../../server/src/engine/names';
import { ensureParser } from '../support/engine';

/** The qualified name of the callee of the last call in `source`. */
function lastCallee(source: string): string | undefined {
  const tree = parsePython(source);
  try {
    const names = new NameResolver(tree.rootNode);
    let last: Node | undefined;
    forEachDescendant(tree.rootNode, (n) => void (n.type === 'call' && n.parent?.type === 'expression_statement' && (last = n)));
    return last ? names.callee(last) : undefined;
  } finally {
    tree.delete();
  }
}

describe('NameResolver', () => {
  before(ensureParser);
  const cases: [string, string | undefined][] = [
    ['import sys\nsys.exit(0)', 'sys.exit'],
    ['import sys as s\ns.exit(0)', 'sys.exit'],
    ['from sys import exit\nexit(0)', 'sys.exit'],
    ['from os import _exit as bye\nbye(0)', 'os._exit'],
    ['import os.path\nos.path.join("a")', 'os.path.join'],
    ['import os.path as p\np.join("a")', 'os.path.join'],
    ['import sys\ngetattr(sys, "exit")(0)', 'sys.exit'],
    ['__import__("os")._exit(0)', 'os._exit'],
    ['import importlib\nimportlib.import_module("os.path").join("x")', 'os.path.join'],
    ['import sys\ne = sys.exit\ne(0)', 'sys.exit'],
    ['import sys\nsys.modules["os"]._exit(0)', 'os._exit'],
    ['exit(0)', 'builtins.exit'],
    ['def exit(code):\n    pass\nexit(0)', undefined],
    ['def f(exit):\n    exit(0)\nf(1)\nexit(0)', undefined],
    ['from . import helpers\nhelpers.run()', '.helpers.run'],
    ['try:\n    pass\nexcept Exception as exit:\n    pass\nexit(0)', undefined],
    // A method's name is bound in its class, not in the module.
    ['import timeit\nclass T(timeit.Timer):\n    def timeit(self):\n        return 0\ntimeit.default_timer()', 'timeit.default_timer'],
    ['import timeit\nclass T:\n    @staticmethod\n    def timeit():\n        return 0\ntimeit.default_timer()', 'timeit.default_timer'],
    ['import timeit\ndef run():\n    def timeit():\n        return 0\ntimeit.default_timer()', undefined],
    // `except ImportError: name = None` is the missing-module placeholder, not a second meaning of the name.
    ['try:\n    import torch\nexcept ImportError:\n    torch = None\ntorch.cuda.synchronize()', 'torch.cuda.synchronize'],
    ['try:\n    import torch\nexcept (ImportError, AttributeError):\n    torch = None\ntorch.cuda.synchronize()', 'torch.cuda.synchronize'],
    ['import torch\ntry:\n    pass\nexcept ValueError:\n    torch = None\ntorch.cuda.synchronize()', undefined],
    ['try:\n    import torch\nexcept ImportError:\n    torch = object()\ntorch.cuda.synchronize()', undefined],
    ['with open("f") as quit:\n    pass\nquit()', undefined],
    ['import sys\nx = "sys.exit(0)"\nprint(x)', 'builtins.print'],
    ['import sys\nimport os as sys\nsys.exit(0)', undefined],
    ['import os, sys\nstop, hard_stop = sys.exit, os._exit\nhard_stop(0)', 'os._exit'],
    ['import os, sys\n(stop, hard_stop) = [sys.exit, os._exit]\nstop(0)', 'sys.exit'],
    ['import os, sys\nstop, hard_stop = sys.exit, os._exit\nhard_stop = print\nhard_stop(0)', undefined],
    ['import os, sys\nstop, *rest = sys.exit, os._exit\nstop(0)', 'sys.exit'],
    ['import os, sys\nstop, *rest, last = sys.exit, os._exit\nlast(0)', undefined],
    ['import os, sys\nstop, hard_stop = pair\nhard_stop(0)', undefined],
  ];
  for (const [source, expected] of cases) {
    it(`${JSON.stringify(source)} → ${expected}`, () => assert.equal(lastCallee(source), expected));
  }
});
