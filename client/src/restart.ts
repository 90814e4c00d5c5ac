/**
 * When the language server dies: restart it a bounded number of times and tell the user once. Pure
 * (no vscode import) so the policy can be tested without an editor.
 */
export interface CrashDecision {
  restart: boolean;
  /** Show a notification: the first restart of the session, or giving up. */
  notify: boolean;
}

export class RestartPolicy {
  private crashes: number[] = [];
  private notifiedRestart = false;

  constructor(
    /** Restarts allowed within `windowMs`; one more crash in that window and the server stays down. */
    private readonly maxRestarts = 4,
    private readonly windowMs = 3 * 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  onCrash(): CrashDecision {
    const t = this.now();
    this.crashes = this.crashes.filter((c) => t - c < this.windowMs);
    this.crashes.push(t);
    if (this.crashes.length > this.maxRestarts) {
      // A manual restart starts a fresh count.
      this.crashes = [];
      return { restart: false, notify: true };
    }
    const notify = !this.notifiedRestart;
    this.notifiedRestart = true;
    return { restart: true, notify };
  }
}
