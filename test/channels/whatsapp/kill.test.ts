// kill -9 of the app in the middle of a WhatsApp queue run: the real outbox over the embedded store
// in a child process, killed while it sends; a second process finishes the run. Nothing is sent
// twice, and nothing is lost: a message on its way when the process died is found in the chat
// history, or else kept as unconfirmed and listed (not sent again).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';

vi.setConfig({ testTimeout: 240_000, hookTimeout: 120_000 });

const repoRoot = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const fixture = 'test/channels/whatsapp/fixtures/outbox-runner.ts';
const dir = mkdtempSync(join(tmpdir(), 'sputnik-wa-kill-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const COUNT = 60;
const sentLines = () =>
  existsSync(join(dir, 'sent.log')) ? readFileSync(join(dir, 'sent.log'), 'utf8').split('\n').filter(Boolean) : [];

describe('kill -9 in the middle of a WhatsApp queue run', () => {
  it('loses no message and doubles none', async () => {
    const first = spawn('npx', ['tsx', fixture, dir, 'queue', String(COUNT)], {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let stderr = '';
    first.stderr.on('data', (d) => (stderr += String(d)));
    const firstExit = new Promise<void>((done) => first.once('exit', () => done()));
    // Killed once a third of the messages are out.
    for (let i = 0; i < 2400 && sentLines().length < COUNT / 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(sentLines().length, stderr).toBeGreaterThanOrEqual(COUNT / 3);
    process.kill(-(first.pid ?? 0), 'SIGKILL');
    await firstExit;
    const atKill = sentLines().length;
    expect(atKill).toBeLessThan(COUNT);

    const second = spawn('npx', ['tsx', fixture, dir, 'drain'], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    second.stdout.on('data', (d) => (out += String(d)));
    second.stderr.on('data', (d) => (out += String(d)));
    const code = await new Promise<number | null>((done) => second.once('exit', done));
    expect(code, out).toBe(0);
    expect(out).toContain('drained');

    const texts = sentLines().map((l) => l.split('\t')[1] ?? '');
    const unconfirmed = out
      .split('\n')
      .filter((l) => l.startsWith('unconfirmed\t'))
      .map((l) => l.slice('unconfirmed\t'.length));
    expect(new Set(texts).size, 'sent twice').toBe(texts.length);
    // At most the one in flight, and only if it had not reached WhatsApp.
    expect(unconfirmed.length).toBeLessThanOrEqual(1);
    expect(unconfirmed.filter((t) => texts.includes(t))).toEqual([]);
    expect([...texts, ...unconfirmed].sort()).toEqual(Array.from({ length: COUNT }, (_, n) => `Сообщение ${n}`).sort());
  });
});
