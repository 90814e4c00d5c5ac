/**
 * The entry VS Code calls inside the extension host (`run`). A small sequential runner rather than a
 * test framework: the suite is short, and nothing beyond node:assert is needed.
 */
import { tests } from './extension.test';

export async function run(): Promise<void> {
  const failures: string[] = [];
  for (const t of tests) {
    const started = Date.now();
    try {
      await t.run();
      console.log(`ok   ${t.name} (${Date.now() - started} ms)`);
    } catch (err) {
      failures.push(t.name);
      console.error(`FAIL ${t.name}\n${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      // Later tests build on earlier ones (the server must be running): stop at the first failure.
      break;
    }
  }
  if (failures.length > 0) throw new Error(`${failures.length} extension test(s) failed: ${failures.join(', ')}`);
}
