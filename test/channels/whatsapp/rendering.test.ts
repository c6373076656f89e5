// How a prompt reads in WhatsApp, and the settings that pace the account.
import { describe, expect, it } from 'vitest';
import { splitText } from '../../../src/delivery/split-text.js';
import {
  renderMessage,
  renderPrompt,
  startLinkUrl,
  WHATSAPP_TEXT_LIMIT,
} from '../../../src/channels/whatsapp/render.js';
import { ConfigError, loadConfig } from '../../../src/config.js';

const base = { kind: 'prompt' as const, ref: '1', locale: 'ru' as const, canSkip: false, canGoBack: false };

describe('whatsapp rendering', () => {
  it('numbers the options of a single choice and says how to answer', () => {
    expect(
      renderPrompt({
        ...base,
        text: 'На каком языке вам удобнее общаться?',
        options: [
          { id: 'ru', label: 'Русский' },
          { id: 'kk', label: 'Қазақша' },
          { id: 'en', label: 'English' },
        ],
      }),
    ).toBe('На каком языке вам удобнее общаться?\n\nОтветьте цифрой:\n1 — Русский\n2 — Қазақша\n3 — English');
  });

  it('explains multiple choice, ranking, back and skip in the person’s language', () => {
    const options = ['Групповая работа', 'Проекты', 'Цифровые сервисы', 'Другое'].map((label, i) => ({
      id: `o${i}`,
      label,
    }));
    expect(
      renderPrompt({ ...base, text: 'Какие форматы?', options, multiple: { min: 1, max: 4 }, canGoBack: true }),
    ).toBe(
      'Какие форматы?\n\nМожно несколько — цифры через запятую, например: 1, 3\n1 — Групповая работа\n2 — Проекты\n3 — Цифровые сервисы\n4 — Другое\n\nНапишите «назад», чтобы вернуться к предыдущему вопросу.',
    );
    expect(renderPrompt({ ...base, text: 'Какие форматы?', options, multiple: { min: 1, max: 2 } })).toContain(
      'Можно выбрать до 2 — цифры через запятую, например: 1, 3',
    );
    expect(
      renderPrompt({
        ...base,
        text: 'Что важнее?',
        options: options.slice(0, 3),
        ranking: { count: 3 },
        canSkip: true,
      }),
    ).toBe(
      'Что важнее?\n\nРасставьте варианты в порядке важности — цифры через пробел, начиная с самого важного, например: 3 1 2\n1 — Групповая работа\n2 — Проекты\n3 — Цифровые сервисы\n\nНапишите «пропустить», если не хотите отвечать на этот вопрос.',
    );
    expect(
      renderPrompt({
        ...base,
        locale: 'kk',
        text: 'Қай күні?',
        options: [],
        hint: 'кк.аа.жжжж',
        canGoBack: true,
        canSkip: true,
      }),
    ).toBe(
      'Қай күні?\n\nкк.аа.жжжж\n\nАлдыңғы сұраққа оралу үшін «артқа» деп жазыңыз.\nБұл сұраққа жауап бергіңіз келмесе, «өткізу» деп жазыңыз.',
    );
    expect(renderPrompt({ ...base, locale: 'en', text: 'Language?', options: [{ id: 'ru', label: 'Русский' }] })).toBe(
      'Language?\n\nReply with a number:\n1 — Русский',
    );
  });

  it('turns a start link into a wa.me line with the code typed in', () => {
    expect(startLinkUrl('+7 701 555-00-00', 'FG72-SPRING')).toBe('https://wa.me/77015550000?text=FG72-SPRING');
    const message = {
      kind: 'text' as const,
      text: 'Добро пожаловать!',
      startLink: { code: 'FG72-SPRING', label: 'Написать боту' },
    };
    expect(renderMessage(message, { botPhone: '+77015550000', locale: 'ru' })).toBe(
      'Добро пожаловать!\n\nНаписать боту: https://wa.me/77015550000?text=FG72-SPRING',
    );
    expect(renderMessage(message, { botPhone: undefined, locale: 'ru' })).toBe('Добро пожаловать!');
  });

  it('splits long texts at line breaks', () => {
    const text = `${'а'.repeat(3000)}\n${'б'.repeat(3000)}\n${'в'.repeat(100)}`;
    expect(splitText(text, WHATSAPP_TEXT_LIMIT).map((p) => p.length)).toEqual([3000, 3101]);
    expect(splitText('x'.repeat(9000), WHATSAPP_TEXT_LIMIT).map((p) => p.length)).toEqual([4000, 4000, 1000]);
  });
});

describe('whatsapp settings', () => {
  it('paces conservatively by default and reads the documented variables', () => {
    expect(loadConfig({}).whatsapp).toMatchObject({
      qrToken: undefined,
      pace: { gapMs: { min: 4000, max: 8000 }, groupGapMs: { min: 30_000, max: 60_000 }, hourlyCap: 60 },
    });
    const config = loadConfig({
      WHATSAPP_GAP_SECONDS: '5-10',
      WHATSAPP_GROUP_GAP_SECONDS: '45',
      WHATSAPP_HOURLY_CAP: '40',
      WHATSAPP_QR_TOKEN: 'qr-token-0123456789',
    });
    expect(config.whatsapp.pace).toMatchObject({
      gapMs: { min: 5000, max: 10_000 },
      groupGapMs: { min: 45_000, max: 45_000 },
      hourlyCap: 40,
    });
    expect(config.whatsapp.qrToken).toBe('qr-token-0123456789');
  });

  it.each([
    [
      { WHATSAPP_GAP_SECONDS: '8-4' },
      /WHATSAPP_GAP_SECONDS: expected seconds \(5\) or a range, the smaller number first \(4-8\), got "8-4"/,
    ],
    [{ WHATSAPP_GROUP_GAP_SECONDS: 'fast' }, /WHATSAPP_GROUP_GAP_SECONDS: expected seconds/],
    [{ WHATSAPP_HOURLY_CAP: '0' }, /WHATSAPP_HOURLY_CAP: expected a whole number of messages an hour, 1 to 1000/],
    [{ WHATSAPP_QR_TOKEN: 'short' }, /WHATSAPP_QR_TOKEN: expected 16 to 256 letters, digits, _ or -$/],
  ])('names the variable and the problem for %o', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
