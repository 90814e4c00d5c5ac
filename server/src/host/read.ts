/** Reading Python files for the hosts: strict UTF-8, binary and unreadable files become clear errors. */
import * as fs from 'node:fs';

export type ReadResult = { source: string } | { error: string };

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/** Decodes bytes as Python source: UTF-8 (a BOM is dropped), no NUL bytes. */
export function decodeSource(bytes: Uint8Array): ReadResult {
  const probe = bytes.subarray(0, 8192);
  if (probe.includes(0)) return { error: 'binary file (contains NUL bytes): skipped' };
  try {
    return { source: decoder.decode(bytes) };
  } catch {
    return { error: 'not valid UTF-8: skipped (Python source must be UTF-8 to be analysed)' };
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
