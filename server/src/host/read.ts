/** Reading Python files for the hosts: strict UTF-8, binary and unreadable files become clear errors. */
import * as fs from 'node:fs';

export type ReadResult = { source: string } | { error: string };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** PEP 263: `# -*- coding: latin-1 -*-` on one of the first two lines. */
const CODING_COOKIE = /^[ \t\f]*#.*?coding[:=][ \t]*([-\w.]+)/;

function declaredEncoding(bytes: Uint8Array): string | undefined {
  const head = Buffer.from(bytes.subarray(0, 1024)).toString('latin1').split('\n').slice(0, 2);
  for (const line of head) {
    const m = CODING_COOKIE.exec(line);
    if (m) return m[1]!.toLowerCase();
  }
  return undefined;
}

/** Python's names for UTF-8 (`utf-8`, `utf_8`, `UTF8`, `utf-8-sig`): undecodable as such, the file is broken. */
function isUtf8Name(name: string): boolean {
  return /^utf[-_]?8(?:[-_]sig)?$/.test(name);
}

/** Python's names for ISO-8859-1 (its `latin_1` codec and aliases), which maps every byte to the code point of the same value. */
const LATIN_1 = /^(?:latin[-_]?1|latin|l1|iso[-_]?8859[-_]1|8859|cp819|iso[-_]?ir[-_]?100)$/;

/**
 * Decodes with the codec a PEP 263 cookie names. Python's codec names are not the Encoding Standard's labels
 * that TextDecoder takes: `latin-1` is no label there at all (and its `latin1` means windows-1252), and
 * Python writes `_` where the standard writes `-` (`iso8859_15`, `koi8_r`). ISO-8859-1 is decoded
 * byte for byte; the rest go to TextDecoder under the spellings it knows.
 */
function decodeDeclared(bytes: Uint8Array, declared: string): ReadResult {
  if (LATIN_1.test(declared)) return { source: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1') };
  const hyphenated = declared.replace(/_/g, '-');
  const candidates = [declared, hyphenated, hyphenated.replace(/^iso(?=8859)/, 'iso-'), hyphenated.replace(/^cp(?=125\d$)/, 'windows-')];
  for (const label of candidates) {
    let decoder: InstanceType<typeof TextDecoder>;
    try {
      decoder = new TextDecoder(label, { fatal: true });
    } catch {
      continue; // not a label TextDecoder knows: try the next spelling
    }
    try {
      return { source: decoder.decode(bytes) };
    } catch {
      return { error: `cannot decode as its declared encoding '${declared}': skipped` };
    }
  }
  return { error: `declares an encoding this tool cannot decode ('${declared}'): skipped` };
}

/**
 * Decodes bytes as Python source: UTF-8 (a BOM is dropped), or the encoding a PEP 263 cookie declares;
 * NUL bytes mean binary.
 */
export function decodeSource(bytes: Uint8Array): ReadResult {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { error: 'binary file (contains NUL bytes): skipped' };
  try {
    return { source: decoder.decode(bytes) };
  } catch {
    const declared = declaredEncoding(bytes);
    if (declared && !isUtf8Name(declared)) return decodeDeclared(bytes, declared);
    return { error: 'not valid UTF-8 and no encoding declared: skipped (Python source must be UTF-8 or declare its encoding)' };
  }
}

export function readSourceFile(path: string, maxBytes = 5_000_000): ReadResult {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch (err) {
    return { error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
  if (!stat.isFile()) return { error: 'not a regular file: skipped' };
  if (stat.size > maxBytes) return { error: `file too large to analyse (${stat.size} bytes, limit ${maxBytes}): skipped` };
  try {
    return decodeSource(fs.readFileSync(path));
  } catch (err) {
    return { error: `cannot read: ${(err as NodeJS.ErrnoException).code ?? String(err)}` };
  }
}
