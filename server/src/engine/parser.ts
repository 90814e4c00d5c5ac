/**
 * The one place that knows how tree-sitter is loaded. The host (CLI, language server, tests) says where
 * the two `.wasm` files are; the engine itself never looks at the file system.
 */
import { Language, Parser, type Tree } from 'web-tree-sitter';
import type { WasmHeap } from './tree-memory';

export interface WasmLocation {
  /** Path or bytes of `web-tree-sitter.wasm`. */
  runtime: string;
  /** Path or bytes of `tree-sitter-python.wasm`. */
  python: string | Uint8Array;
}

let language: Language | undefined;
let loading: Promise<Language> | undefined;
/** The Emscripten module: Parser.init() adds the heap views to the options object it is given. */
let heap: WasmHeap | undefined;

/** Loads the runtime and the Python grammar once per process; later calls return the same language. */
export function initParser(wasm: WasmLocation): Promise<Language> {
  if (language) return Promise.resolve(language);
  loading ??= (async () => {
    const moduleOptions = { locateFile: () => wasm.runtime };
    await Parser.init(moduleOptions);
    const views = moduleOptions as Partial<WasmHeap>;
    if (views.HEAPU8 && views.HEAPU16 && views.HEAPU32) heap = moduleOptions as unknown as WasmHeap;
    language = await Language.load(wasm.python);
    return language;
  })();
  return loading;
}

/**
 * The Wasm heap, for reading trees directly (tree-memory.ts). Read the views afresh each time: they are
 * replaced when the memory grows.
 */
export function wasmHeap(): WasmHeap | undefined {
  return heap;
}

export function isParserReady(): boolean {
  return language !== undefined;
}

/** A new parser for the loaded Python grammar; callers that keep trees (the editor) own one each. */
export function createParser(): Parser {
  if (!language) throw new Error('tree-sitter is not initialised: call initParser() first');
  const parser = new Parser();
  parser.setLanguage(language);
  return parser;
}

let sharedParser: Parser | undefined;

export class ParseTimeoutError extends Error {}

/**
 * Parses with a process-wide parser; the caller must delete the tree when done. With `timeLimitMs`, a
 * pathological input stops the parse with a ParseTimeoutError instead of hanging.
 */
export function parsePython(source: string, oldTree?: Tree | null, timeLimitMs?: number): Tree {
  sharedParser ??= createParser();
  let tree: Tree | null;
  if (timeLimitMs === undefined) tree = sharedParser.parse(source, oldTree ?? null);
  else {
    const deadline = Date.now() + timeLimitMs;
    // The callback's return value cancels the parse (the .d.ts types it as void).
    const progressCallback = (() => Date.now() > deadline) as unknown as () => void;
    tree = sharedParser.parse(source, oldTree ?? null, { progressCallback });
    if (!tree) {
      sharedParser.reset();
      throw new ParseTimeoutError(`parsing took longer than ${timeLimitMs} ms and was stopped`);
    }
  }
  if (!tree) throw new Error('tree-sitter returned no tree');
  return tree;
}
