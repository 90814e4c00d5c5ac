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
    if (declared && !/^utf-?8/.test(declared)) {
      try {
        return { source: new TextDecoder(declared, { fatal: true }).decode(bytes) };
      } catch {
        return { error: `cannot decode as its declared encoding '${declared}': skipped` };
      }
    }
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
