// kill -9 of the app in the middle of a WhatsApp queue run: the real outbox over the embedded store
// in a child process, killed while it sends; a second process finishes the run. Nothing is lost,
// and nothing is sent twice except, at most, the one message that was on its way when the process
// died (documented: sent again rather than lost).
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
const sentLines = () => (existsSync(join(dir, 'sent.log')) ? readFileSync(join(dir, 'sent.log'), 'utf8').split('\n').filter(Boolean) : []);

describe('kill -9 in the middle of a WhatsApp queue run', () => {
  it('loses no message and doubles none but the one in flight', async () => {
    const first = spawn('npx', ['tsx', fixture, dir, 'queue', String(COUNT)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
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

    const texts = sentLines().map((l) => l.split('\t')[1]);
    const counts = new Map<string, number>();
    for (const t of texts) counts.set(t ?? '', (counts.get(t ?? '') ?? 0) + 1);
    expect([...counts.keys()].sort()).toEqual(Array.from({ length: COUNT }, (_, n) => `Сообщение ${n}`).sort());
    const doubled = [...counts.entries()].filter(([, n]) => n > 1);
    expect(doubled.length).toBeLessThanOrEqual(1);
    expect(texts.length).toBeLessThanOrEqual(COUNT + 1);
  });
});
