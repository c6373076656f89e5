// Two promises of the CLI that only show in a real process: `stats | head` ends quietly once the
// reader has gone, and an unreachable MongoDB is one line that names the variable, not a stack trace.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runCliProcess } from '../support/cli-process.js';

describe('the CLI as a process', () => {
  it('ends quietly, with no stack trace, when the reader of its output has gone', async () => {
    const child = spawn('node_modules/.bin/tsx', ['src/cli/main.ts', 'help'], {
      env: { ...process.env, MONGODB_URI: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // The reader closes before the first line is written, as `| head -0` would.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  }, 150_000);

  it('says in one line that MongoDB at MONGODB_URI is unreachable', async () => {
    const run = await runCliProcess(['stats'], { MONGODB_URI: 'mongodb://127.0.0.1:1/sputnik' });
    expect(run.code).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^MongoDB недоступна по адресу из MONGODB_URI \(mongodb:\/\/127\.0\.0\.1:1\/sputnik\): \S/,
    );
    expect(run.stdout).toBe('');
  }, 150_000);
});
