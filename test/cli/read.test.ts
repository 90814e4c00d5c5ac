/** Reading Python files as Python does: UTF-8, or the encoding a PEP 263 cookie declares, under Python's names for it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decodeSource } from '../../server/src/host/read';

const bytes = (text: string, ...raw: number[]) => new Uint8Array([...Buffer.from(text, 'latin1'), ...raw, 0x0a]);

test('a Latin-1 cookie under any of Python names decodes every byte to the same code point', () => {
  for (const name of ['Latin-1', 'latin_1', 'iso-8859-1', 'ISO8859_1', 'l1', 'latin']) {
    // 0xe9 is é in both Latin-1 and windows-1252; 0x80 is a C1 control in Latin-1 but € in windows-1252.
    const r = decodeSource(bytes(`# -*- coding: ${name} -*-\nx = "`, 0xe9, 0x80, 0x22));
    assert.ok('source' in r, `${name}: ${'error' in r ? r.error : ''}`);
    assert.equal(r.source.split('\n')[1], 'x = "\u00e9\u0080"');
  }
});

test('Python spellings of other codecs reach the decoder under the labels it knows', () => {
  const cases: [string, number[], string][] = [
    ['iso8859_15', [0xa4], '\u20ac'],
    ['koi8_r', [0xc1], '\u0430'],
    ['cp1252', [0xe9], '\u00e9'],
    ['cp1251', [0xc0], '\u0410'],
  ];
  for (const [name, raw, expected] of cases) {
    const r = decodeSource(bytes(`# coding=${name}\ns = "`, ...raw, 0x22));
    assert.ok('source' in r, `${name}: ${'error' in r ? r.error : ''}`);
    assert.equal(r.source.split('\n')[1], `s = "${expected}"`, name);
  }
});

test('undecodable or unknown declared encodings are clear per-file errors', () => {
  const unknown = decodeSource(bytes('# coding: klingon\nx = "', 0xe9, 0x22));
  assert.deepEqual(unknown, { error: "declares an encoding this tool cannot decode ('klingon'): skipped" });
  const broken = decodeSource(bytes('# coding: shift_jis\nx = "', 0x81, 0x22));
  assert.ok('error' in broken && /cannot decode as its declared encoding 'shift_jis'/.test(broken.error));
  const badUtf8 = decodeSource(bytes('# coding: utf_8\nx = "', 0xe9, 0x22));
  assert.ok('error' in badUtf8 && /not valid UTF-8/.test(badUtf8.error));
});
