// `content check`: what a start checks in questionnaires/, flows/ and flows/models/, said in the
// CLI's language with file and line, exit code 1 on problems; the shipped content passes.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Output } from '../../src/cli/output.js';
import { runCli } from '../../src/cli/run.js';

vi.setConfig({ testTimeout: 120_000 });

function capture(): Output & { out_: string[]; err_: string[] } {
  const out_: string[] = [];
  const err_: string[] = [];
  return { out: (t) => void out_.push(t), err: (t) => void err_.push(t), out_, err_ };
}

async function run(args: string[]) {
  const io = capture();
  const code = await runCli(args, io);
  return { code, out: io.out_.join(''), err: io.err_.join('') };
}

let dir = '';

/** A copy of the shipped content with three mistakes a methodologist makes. */
function brokenCopy(): string {
  const root = mkdtempSync(join(tmpdir(), 'sputnik-content-check-'));
  cpSync('questionnaires', join(root, 'questionnaires'), { recursive: true });
  cpSync('flows', join(root, 'flows'), { recursive: true });
  const edit = (file: string, from: string, to: string) => {
    const path = join(root, file);
    const text = readFileSync(path, 'utf8');
    expect(text).toContain(from);
    writeFileSync(path, text.replace(from, to));
  };
  // A term in words, and an occasion copied from the line below.
  edit(
    'flows/models/tutaev-route.yaml',
    'offset: "+6m", occasion: impact-6m',
    'offset: "через полгода", occasion: impact-11m',
  );
  // A misspelt action.
  edit('flows/help.yaml', 'do: show_help', 'do: show_hlep');
  return root;
}

beforeAll(() => {
  dir = brokenCopy();
  vi.stubEnv('CLI_LANG', 'ru');
});

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe('content check', () => {
  it('passes the shipped content and lists its support models', async () => {
    const { code, out, err } = await run(['content', 'check']);
    expect([code, err]).toEqual([0, '']);
    expect(out.split('\n')).toEqual([
      'Модели сопровождения:',
      '  kaltan-tutor      Тьюторское сопровождение: диагностика, траектория, анализ (Калтанский ГО) — 3 этапа, 6 анкетирований в году',
      '  kz-three-stage    Посткурсовое сопровождение в три этапа (Казахстан, РУМЦДО) — 3 этапа, 8 анкетирований в году, по умолчанию',
      '  school-two-stage  Модель школы: два этапа и рейтинг по самооценке (МОБУ «ООШ № 5») — 2 этапа, 6 анкетирований в году',
      '  tutaev-route      Индивидуальный маршрут и три самостоятельные работы (Тутаевский ИОЦ) — 3 этапа, 6 анкетирований в году',
      '',
      '8 анкет, 12 версий, 24 сценария, 4 модели сопровождения; 0 ошибок',
      '',
    ]);
  });

  it('names every problem in Russian with its file (from where the user stands) and line, exit code 1', async () => {
    vi.stubEnv('INIT_CWD', dir);
    try {
      const { code, out, err } = await run(['content', 'check', '--root', '.']);
      expect(code).toBe(1);
      expect(err.split('\n')).toEqual([
        'flows/help.yaml: шаг №1: нет действия «show_hlep» (строка 4)',
        'flows/models/tutaev-route.yaml: поле questionnaires[5].offset должно быть сроком от конца курса: +7d, +2w или +6m (строка 41)',
        'flows/models/tutaev-route.yaml: questionnaires[6].occasion: повод «impact-11m» уже есть в расписании анкет (строка 42)',
        '',
      ]);
      expect(out.split('\n').at(-2)).toBe('8 анкет, 12 версий, 23 сценария, 3 модели сопровождения; 3 ошибки');
    } finally {
      vi.stubEnv('INIT_CWD', '');
    }
  });

  it('says them in Kazakh with --lang kk', async () => {
    vi.stubEnv('INIT_CWD', dir);
    try {
      const { code, out, err } = await run(['--lang', 'kk', 'content', 'check', '--root', '.']);
      expect(code).toBe(1);
      expect(err.split('\n')).toEqual([
        'flows/help.yaml: №1 қадам: «show_hlep» әрекеті жоқ (4-жол)',
        'flows/models/tutaev-route.yaml: questionnaires[5].offset өрісі курс аяқталғаннан бергі мерзім болуы керек: +7d, +2w немесе +6m (41-жол)',
        'flows/models/tutaev-route.yaml: questionnaires[6].occasion: «impact-11m» себебі сауалнамалар кестесінде бұрыннан бар (42-жол)',
        '',
      ]);
      expect(out.split('\n').at(-2)).toBe('8 сауалнама, 12 нұсқа, 23 сценарий, 3 сүйемелдеу моделі; 3 қате');
    } finally {
      vi.stubEnv('INIT_CWD', '');
    }
  });

  it('refuses a folder that is not there, and a call without its action', async () => {
    const missing = await run(['content', 'check', '--root', '/nonexistent-sputnik']);
    expect([missing.code, missing.err]).toEqual([1, '/nonexistent-sputnik: такой папки нет\n']);
    const bare = await run(['content']);
    expect([bare.code, bare.err.split('\n')[0]]).toEqual([2, 'Укажите действие: check']);
  });
});
