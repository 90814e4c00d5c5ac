/**
 * Editor settings (`rewardHack.*`), pulled per resource with `workspace/configuration` so multi-root
 * workspaces can differ per folder. Whatever the client sends is validated: a bad value falls back to
 * the default and is reported once, never thrown. A key the client does not send is "not set", so the
 * project's pyproject.toml can supply it (project.ts); the VS Code client sends only the keys the user set.
 */
import { DEFAULT_TEST_GLOBS, isSeverity, type AnalysisSettings, type SeveritySetting } from '../engine';

export type RunMode = 'onType' | 'onSave';

export interface EditorSettings {
  enable: boolean;
  run: RunMode;
  rules: Record<string, SeveritySetting>;
  /** Undefined when the editor does not set them: the project file's, else the defaults, apply. */
  testFiles?: string[];
  exclude?: string[];
}

export const DEFAULT_EXCLUDE = [
  '**/.venv/**',
  '**/venv/**',
  '**/.tox/**',
  '**/.nox/**',
  '**/site-packages/**',
  '**/node_modules/**',
  '**/__pypackages__/**',
];

export function defaultSettings(): EditorSettings {
  return { enable: true, run: 'onType', rules: {} };
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === 'string');
}

/** Turns whatever the client sent into settings; `problems` receives one line per rejected value. */
export function normaliseSettings(raw: unknown, problems: (message: string) => void = () => {}): EditorSettings {
  const out = defaultSettings();
  if (raw === null || raw === undefined) return out;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    problems(`rewardHack settings must be an object, got ${JSON.stringify(raw)}`);
    return out;
  }
  const r = raw as Record<string, unknown>;
  if (r.enable !== undefined) {
    if (typeof r.enable === 'boolean') out.enable = r.enable;
    else problems(`rewardHack.enable must be true or false`);
  }
  if (r.run !== undefined) {
    if (r.run === 'onType' || r.run === 'onSave') out.run = r.run;
    else problems(`rewardHack.run must be "onType" or "onSave", got ${JSON.stringify(r.run)}`);
  }
  if (r.rules !== undefined && r.rules !== null) {
    if (typeof r.rules === 'object' && !Array.isArray(r.rules)) {
      for (const [key, value] of Object.entries(r.rules as Record<string, unknown>)) {
        if (value === 'off' || isSeverity(value)) out.rules[key] = value;
        else problems(`rewardHack.rules["${key}"] must be off, hint, info, warning or error, got ${JSON.stringify(value)}`);
      }
    } else problems(`rewardHack.rules must be an object mapping rules to severities`);
  }
  for (const key of ['testFiles', 'exclude'] as const) {
    const value = r[key];
    if (value === undefined || value === null) continue;
    if (isStringArray(value)) out[key] = value;
    else problems(`rewardHack.${key} must be a list of glob patterns`);
  }
  return out;
}

/** Engine settings from the editor's alone (no project file). */
export function toAnalysisSettings(settings: EditorSettings): AnalysisSettings {
  return { rules: settings.rules, testFiles: settings.testFiles ?? [...DEFAULT_TEST_GLOBS] };
}

export interface SettingsSource {
  /** Asks the client for the `rewardHack` section at a resource; rejects when the client cannot answer. */
  fetch(scopeUri: string): Promise<unknown>;
  /** Whether the client supports `workspace/configuration` at all. */
  canFetch(): boolean;
}

/**
 * Caches settings per resource until the client says they changed. Clients without
 * `workspace/configuration` get the settings pushed in `didChangeConfiguration` or initializationOptions.
 */
export class SettingsCache {
  private readonly byResource = new Map<string, Promise<EditorSettings>>();
  private pushed: unknown;
  private readonly reported = new Set<string>();

  constructor(
    private readonly source: SettingsSource,
    private readonly log: (message: string) => void,
  ) {}

  /** Settings pushed by the client (initializationOptions or didChangeConfiguration), if any. */
  setPushed(raw: unknown): void {
    this.pushed = raw;
  }

  invalidate(): void {
    this.byResource.clear();
  }

  get(scopeUri: string): Promise<EditorSettings> {
    let entry = this.byResource.get(scopeUri);
    if (!entry) {
      entry = this.load(scopeUri);
      this.byResource.set(scopeUri, entry);
    }
    return entry;
  }

  private async load(scopeUri: string): Promise<EditorSettings> {
    let raw: unknown = this.pushed;
    if (this.source.canFetch()) {
      try {
        raw = await this.source.fetch(scopeUri);
      } catch (err) {
        this.report(`could not read settings from the client (${err instanceof Error ? err.message : String(err)}); using defaults`);
      }
    }
    return normaliseSettings(raw, (m) => this.report(m));
  }

  private report(message: string): void {
    if (this.reported.has(message)) return;
    this.reported.add(message);
    this.log(message);
  }
}
