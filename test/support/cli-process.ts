// The staff CLI run as staff run it, in its own process from the sources, with the environment a
// test gives (MONGODB_URI empty unless said otherwise, so a developer's .env never points a test at
// a real server). A process on a busy two-core machine may take tens of seconds.
import { execFile } from 'node:child_process';

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCliProcess(
  args: readonly string[],
  env: Record<string, string> = {},
  timeoutMs = 150_000,
): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      'node_modules/.bin/tsx',
      ['src/cli/main.ts', ...args],
      { env: { ...process.env, MONGODB_URI: '', ...env }, timeout: timeoutMs },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}
