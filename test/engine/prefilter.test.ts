/**
 * `MentionedWords`: the rules' source prefilters searched by anchors answer exactly as the regexes they
 * replace, on generated texts built to reach every branch of `test` (every word, every word with each kind
 * of neighbour, words split by one character, random texts over the words' own characters).
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { parsePython } from '../../server/src/engine';
import { stringValue } from '../../server/src/engine/ast';
import { mayHaveSpellingEscape, MentionedWords, spelledByValue, spellsByValue } from '../../server/src/engine/prefilter';
import { AWARENESS_WORDS, FRAME_WORDS, PYTEST_WORDS, TRIGGER_WORDS } from '../../server/src/rules/awareness/env-helpers';
import { DUNDER_TEXT } from '../../server/src/rules/equality/helpers';
import { EXIT_TEXT, EXIT_WORD, WRAPS_CALLABLE } from '../../server/src/rules/exit/RH101-forced-success-exit';
import { STATUS_TEXT, STATUS_WORDS } from '../../server/src/rules/exit/RH102-exit-status-override';
import { TEST_FRAMEWORK } from '../../server/src/rules/exit/runner';
import { MENTIONS as RH301_MENTIONS } from '../../server/src/rules/framework/RH301-report-forgery';
import { MENTIONS as RH302_MENTIONS, RESULT_RECORDS } from '../../server/src/rules/framework/RH302-test-call-hijack';
import { KEYWORD_OPTION_TEXT } from '../../server/src/rules/framework/RH303-collection-sabotage';
import { CLOCK_TEXT } from '../../server/src/rules/harness/RH601-clock-patching';
import { SKIP_WORDS } from '../../server/src/rules/tests/helpers';
import { ensureParser } from '../support/engine';

/** Each prefilter with the regex it replaces and the words of that regex (what the generated texts are made from). */
const REPLACED: { name: string; old: RegExp; now: RegExp; words: string[] }[] = [
  {
    name: 'RH501/RH502 awareness words',
    old: /pytest|PYTEST|py\.test|_getframe|f_back|currentframe|inspect|getouterframes|extract_stack|walk_stack|format_stack|get_referrers|get_objects|get_referents|linecache/,
    now: AWARENESS_WORDS,
    words: ['pytest', 'PYTEST', 'py.test', '_getframe', 'f_back', 'currentframe', 'inspect', 'getouterframes', 'extract_stack', 'walk_stack', 'format_stack', 'get_referrers', 'get_objects', 'get_referents', 'linecache'],
  },
  { name: 'RH501 framework names', old: /pytest|PYTEST|py\.test/, now: PYTEST_WORDS, words: ['pytest', 'PYTEST', 'py.test'] },
  {
    name: 'RH501 frame access',
    old: /_getframe|f_back|currentframe|inspect\.stack|getouterframes|extract_stack/,
    now: FRAME_WORDS,
    words: ['_getframe', 'f_back', 'currentframe', 'inspect.stack', 'getouterframes', 'extract_stack'],
  },
  {
    name: 'RH502 triggers',
    old: /_getframe|f_back|currentframe|inspect|extract_stack|walk_stack|format_stack|get_referrers|get_objects|get_referents|linecache/,
    now: TRIGGER_WORDS,
    words: ['_getframe', 'f_back', 'currentframe', 'inspect', 'extract_stack', 'walk_stack', 'format_stack', 'get_referrers', 'get_objects', 'get_referents', 'linecache'],
  },
  // Case-exact on purpose (Python names are case-sensitive): the regex it stands for, not the old /i one.
  { name: 'RH403/RH404 skip words', old: /skip|Skip|xfail|ResourceDenied/, now: SKIP_WORDS, words: ['skip', 'Skip', 'xfail', 'ResourceDenied'] },
  { name: 'equality dunders', old: /__(?:eq|ne|contains)__/, now: DUNDER_TEXT, words: ['__eq__', '__ne__', '__contains__'] },
  { name: 'RH101 exit text', old: /exit|quit|SystemExit/, now: EXIT_TEXT, words: ['exit', 'quit', 'SystemExit'] },
  { name: 'RH101 exit word', old: /\b(?:_?exit|quit|SystemExit)\b/, now: EXIT_WORD, words: ['exit', '_exit', 'quit', 'SystemExit'] },
  {
    name: 'RH102 status text',
    old: /exitstatus|testsfailed|excepthook|atexit|pytest/,
    now: STATUS_TEXT,
    words: ['exitstatus', 'testsfailed', 'excepthook', 'atexit', 'pytest'],
  },
  { name: 'RH102 status words', old: /exit|testsfailed|excepthook/, now: STATUS_WORDS, words: ['exit', 'testsfailed', 'excepthook'] },
  {
    name: 'RH301 mentions',
    old: /pytest_runtest_makereport|pytest_runtest_logreport|pytest_report_teststatus|TestReport|BaseReport|CollectReport|CallInfo|_pytest|outcome/,
    now: RH301_MENTIONS,
    words: ['pytest_runtest_makereport', 'pytest_runtest_logreport', 'pytest_report_teststatus', 'TestReport', 'BaseReport', 'CollectReport', 'CallInfo', '_pytest', 'outcome'],
  },
  {
    name: 'RH302 mentions',
    old: /pytest_pyfunc_call|pytest_runtest_protocol|pytest_runtest_call|pytest_runtestloop|TestCase|TestResult|TestSuite|TextTestRunner|addFailure|addError|wasSuccessful|runtest|DiscoverRunner|run_suite|\b_?obj\b/,
    now: RH302_MENTIONS,
    words: ['pytest_pyfunc_call', 'pytest_runtest_protocol', 'pytest_runtest_call', 'pytest_runtestloop', 'TestCase', 'TestResult', 'TestSuite', 'TextTestRunner', 'addFailure', 'addError', 'wasSuccessful', 'runtest', 'DiscoverRunner', 'run_suite', 'obj', '_obj'],
  },
  { name: 'RH101 callable wrappers', old: /\bpartial\b|\bstaticmethod\b/, now: WRAPS_CALLABLE, words: ['partial', 'staticmethod'] },
  { name: 'RH102 test framework', old: /\b(?:unittest|pytest)\b/, now: TEST_FRAMEWORK, words: ['unittest', 'pytest'] },
  // A gate: it stands for the attribute reads without their closing word boundary.
  { name: 'RH302 result records', old: /\.(?:failures|errors|unexpectedSuccesses)/, now: RESULT_RECORDS, words: ['.failures', '.errors', '.unexpectedSuccesses'] },
  { name: 'RH303 keyword option', old: /\.keyword\s*=|["']keyword["']/, now: KEYWORD_OPTION_TEXT, words: ['.keyword =', '.keyword=', '"keyword"', "'keyword'"] },
  {
    name: 'RH601 clock text',
    old: /time|perf_counter|monotonic|default_timer|synchronize/,
    now: CLOCK_TEXT,
    words: ['time', 'perf_counter', 'monotonic', 'default_timer', 'synchronize'],
  },
];

/** One of each kind of neighbour: letters of both cases, a digit, `_`, punctuation, space, a non-ASCII letter. */
const NEIGHBOURS = ['a', 'Z', 'x', '7', '_', '.', '"', "'", ' ', '\n', '(', 'é', 'ſ', 'K'];

/** A small deterministic generator (mulberry32), so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The texts the regexes are compared on, for one list of words. */
function texts(words: string[]): string[] {
  const out = ['', ...NEIGHBOURS];
  for (const w of words) {
    out.push(w);
    // Each neighbour before, after and on both sides (the start and end of the text are the bare word).
    for (const n of NEIGHBOURS) out.push(n + w, w + n, n + w + n);
    for (const a of NEIGHBOURS) for (const b of NEIGHBOURS) out.push(a + w + b);
    // Split, cut short or altered by one character at every position.
    for (let i = 0; i <= w.length; i++) {
      for (const n of NEIGHBOURS) out.push(w.slice(0, i) + n + w.slice(i));
      if (i < w.length) {
        out.push(w.slice(0, i) + w.slice(i + 1), w.slice(0, i), w.slice(i));
        for (const n of NEIGHBOURS) out.push(w.slice(0, i) + n + w.slice(i + 1));
      }
    }
    // Two words, overlapping or repeated: the anchor's later occurrences count.
    for (const v of words) out.push(w + v, w + ' ' + v, w.slice(0, -1) + v, w + w.slice(1));
  }
  // Random texts over the words' characters and the neighbours, long enough to hold a word now and then.
  const alphabet = [...new Set([...words.join(''), ...NEIGHBOURS])];
  const next = random(words.length * 7919 + words[0]!.length);
  for (let k = 0; k < 20000; k++) {
    let t = '';
    const length = 1 + Math.floor(next() * 24);
    while (t.length < length) t += next() < 0.15 ? words[Math.floor(next() * words.length)]!.slice(0, 1 + Math.floor(next() * 12)) : alphabet[Math.floor(next() * alphabet.length)];
    out.push(t);
  }
  return out;
}

describe('MentionedWords', () => {
  for (const { name, old, now, words } of REPLACED) {
    it(`${name}: answers as ${old.source}`, () => {
      assert.ok(now instanceof MentionedWords);
      let matched = 0;
      for (const t of texts(words)) {
        assert.equal(now.test(t), old.test(t), `${name} on ${JSON.stringify(t)}`);
        if (old.test(t)) matched++;
      }
      assert.ok(matched > words.length, `${name}: the generated texts match sometimes`);
    });
  }

  it('DUNDER_TEXT has the matches of the regex it replaces (`dunderPositions` runs its `source` with the `g` flag)', () => {
    const positions = (re: RegExp, text: string) => [...text.matchAll(new RegExp(re.source, 'g'))].map((m) => `${m.index}:${m[0]}`);
    const { old, now, words } = REPLACED.find((r) => r.now === DUNDER_TEXT)!;
    for (const t of texts(words)) assert.deepEqual(positions(now, t), positions(old, t), JSON.stringify(t));
  });

  it('refuses an anchor outside its word, a whole word with non-word characters and a flagged extra pattern', () => {
    assert.throws(() => new MentionedWords([['exit', 'q']]));
    assert.throws(() => new MentionedWords([], { wholeWords: [['py.test', 'y']] }));
    assert.throws(() => new MentionedWords([], { extra: { anchor: 'a', pattern: /a/i } }));
  });

  it('escapes words with regex characters in its source, and looks for `extra` only where its anchor is', () => {
    const words = new MentionedWords([['py.test', 'y']], { extra: { anchor: 'ob', pattern: /ob\d/ } });
    assert.equal(words.source, 'py\\.test|ob\\d');
    assert.equal(words.test('pyxtest'), false);
    assert.equal(words.test('a py.test'), true);
    assert.equal(words.test('ob7'), true);
    assert.equal(words.test('obx'), false);
  });
});

/** The value `stringValue` gives the first expression of `source` (real tree-sitter parses). */
function valueOf(source: string): string | undefined {
  const tree = parsePython(source + '\n');
  try {
    return stringValue(tree.rootNode.namedChild(0)?.namedChild(0));
  } finally {
    tree.delete();
  }
}

describe('stringValue decodes escapes as Python does', () => {
  before(ensureParser);
  const cases: [string, string | undefined][] = [
    ['"\\x65xit"', 'exit'],
    ['"\\u0065xit"', 'exit'],
    ['"\\U00000065xit"', 'exit'],
    ['"\\N{LATIN SMALL LETTER E}xit"', 'exit'],
    ['"\\N{latin capital letter e}\\N{LOW LINE}\\N{DIGIT SEVEN}\\N{FULL STOP}"', 'E_7.'],
    ['"\\145xit"', 'exit'],
    ['"\\1\\12\\1234"', '\x01\nS4'],
    ['"\\18\\789"', '\x018\x0789'],
    ['"\\a\\b\\f\\n\\r\\t\\v\\\\\\\'\\""', '\x07\b\f\n\r\t\v\\\'"'],
    ['"\\d\\8\\z"', '\\d\\8\\z'],
    ['"ex\\\nit"', 'exit'],
    ["'''ex\\\r\nit'''", 'exit'],
    ['f"\\x65xit"', 'exit'],
    ['f"{{\\x65}}"', '{e}'],
    ['"{{x}}"', '{{x}}'],
    ['"\\x65x" "it"', 'exit'],
    ['u"\\x65"', 'e'],
    ['"é😀\\x65"', 'é😀e'],
    // Raw strings keep every backslash (tree-sitter gives them no escape_sequence nodes).
    ['r"\\x65xit"', '\\x65xit'],
    ['R"\\N{LATIN SMALL LETTER E}"', '\\N{LATIN SMALL LETTER E}'],
    ['rf"\\x65"', '\\x65'],
    ['r"a\\\nb"', 'a\\\nb'],
    // Values that cannot be known here.
    ['"\\N{SNOWMAN}exit"', undefined],
    ['"\\U00110000"', undefined],
    ['b"\\x65"', undefined],
    ['rb"\\x65"', undefined],
    ['f"\\x65{x}"', undefined],
  ];
  for (const [source, expected] of cases) {
    it(`${source} → ${JSON.stringify(expected)}`, () => assert.equal(valueOf(source), expected));
  }
});

describe('mayHaveSpellingEscape', () => {
  it('answers as the regular expression it stands for, on generated texts', () => {
    const old = /\\(?:[xuUN]|[0-7]{2}|\r?\n\S)/;
    const alphabet = ['\\', 'x', 'u', 'U', 'N', '0', '7', '8', '\n', '\r', ' ', 'a', '{'];
    const next = random(4242);
    let matched = 0;
    for (let k = 0; k < 20000; k++) {
      let t = '';
      const length = 1 + Math.floor(next() * 12);
      while (t.length < length) t += alphabet[Math.floor(next() * alphabet.length)];
      // Each text twice in a row: the answer for the last source is remembered.
      assert.equal(mayHaveSpellingEscape(t), old.test(t), JSON.stringify(t));
      assert.equal(mayHaveSpellingEscape(t), old.test(t), JSON.stringify(t));
      if (old.test(t)) matched++;
    }
    assert.ok(matched > 1000, 'the generated texts match sometimes');
  });
});

describe('prefilters see words spelt by escapes', () => {
  before(ensureParser);
  const EXIT = /\bexit\b/;
  const spelled = (source: string, words = EXIT) => {
    const tree = parsePython(source);
    try {
      return spelledByValue({ source, root: tree.rootNode }, words);
    } finally {
      tree.delete();
    }
  };
  it('finds a word spelt by a hex, unicode, named or octal escape, or a line continuation', () => {
    for (const s of ['getattr(sys, "\\x65xit")', 'f("\\u0065xit")', 'f("\\N{LATIN SMALL LETTER E}xit")', 'f("\\145xit")', 'f("ex\\\nit")', 'f("e" "\\x78it")']) {
      assert.equal(spelled(s), true, s);
    }
  });
  it('ignores raw strings, bytes, escapes that spell no word character, and files without such escapes', () => {
    for (const s of ['f(r"\\x65xit")', 'f(b"\\x65xit")', 'f("\\nexit_code")', 'f("\\\\x65xit")', 'f("\\x65xits")', 'x = 1 + \\\n  2\nf("ex" "its")']) {
      assert.equal(spelled(s), false, s);
    }
  });
  it('spellsByValue: a concatenation, or a string with a spelling escape_sequence', () => {
    const first = (source: string) => {
      const tree = parsePython(source);
      const n = tree.rootNode.namedChild(0)!.namedChild(0)!;
      try {
        return spellsByValue(n);
      } finally {
        tree.delete();
      }
    };
    assert.equal(first('"a" "b"'), true);
    assert.equal(first('"\\x61"'), true);
    assert.equal(first('"a\\\nb"'), true);
    assert.equal(first('r"\\x61"'), false);
    assert.equal(first('"\\n\\t\\7"'), false);
  });
  it('mayHaveSpellingEscape gates on \\x \\u \\U \\N, two octal digits and a continuation before a non-space', () => {
    for (const s of ['"\\x41"', '"\\u0041"', '"\\U00000041"', '"\\N{LOW LINE}"', '"\\101"', '"a\\\nb"']) assert.equal(mayHaveSpellingEscape(s), true, s);
    for (const s of ['"\\n\\t\\0\\7"', 'x = 1 + \\\n    2', '"\\\\"']) assert.equal(mayHaveSpellingEscape(s), false, s);
  });
});
