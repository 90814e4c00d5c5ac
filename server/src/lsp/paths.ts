/**
 * URIs to the paths the engine sees. Roles are decided by globs, so a file is named relative to the
 * workspace folder that holds it: an absolute path such as `/home/me/test/proj/src/a.py` would make
 * every file match `** /test/**`.
 */
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The file-system path of a `file:` URI, or undefined for other schemes (untitled, notebook cells...). */
export function fsPathOf(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** The path part of any URI, decoded: `untitled:Untitled-1` → `Untitled-1`. */
function uriPath(uri: string): string {
  const withoutFragment = uri.replace(/[?#].*$/, '');
  const afterScheme = withoutFragment.replace(/^[a-zA-Z][\w+.-]*:(\/\/[^/]*)?/, '');
  try {
    return decodeURIComponent(afterScheme);
  } catch {
    return afterScheme;
  }
}

export class WorkspaceFolders {
  private folders: { uri: string; fsPath: string }[] = [];

  set(uris: readonly string[]): void {
    this.folders = [];
    for (const uri of uris) this.add(uri);
  }

  add(uri: string): void {
    const fsPath = fsPathOf(uri);
    if (fsPath && !this.folders.some((f) => f.uri === uri)) this.folders.push({ uri, fsPath });
  }

  remove(uri: string): void {
    this.folders = this.folders.filter((f) => f.uri !== uri);
  }

  list(): readonly { uri: string; fsPath: string }[] {
    return this.folders;
  }

  /**
   * The path the engine analyses a document under: relative to the innermost workspace folder that
   * contains it, with forward slashes; absolute when outside every folder.
   */
  analysisPath(uri: string): string {
    const fsPath = fsPathOf(uri);
    if (!fsPath) return uriPath(uri).replace(/\\/g, '/');
    let best: string | undefined;
    for (const folder of this.folders) {
      const rel = path.relative(folder.fsPath, fsPath);
      if (rel && !rel.startsWith('..') && !path.isAbsolute(rel) && (best === undefined || rel.length < best.length)) best = rel;
    }
    return (best ?? fsPath).replace(/\\/g, '/');
  }
}
