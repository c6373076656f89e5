// Text from outside is normalised once, on the way in: NFC, and no bidi override, isolate or
// zero-width character is stored or echoed back, whichever channel or file it came through.
import { describe, expect, it } from 'vitest';
import { normaliseIncomingText } from '../../src/domain/text.js';
import { createSputnikEngine } from '../../src/engine/index.js';
import { parseCohortFile } from '../../src/import/cohort-file.js';
import { parseParticipantsCsv } from '../../src/import/participants-csv.js';
import { seedCohort } from '../support/cohort-fixture.js';
import { content, testSettings } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { TelegramHarness } from '../support/telegram-harness.js';
import { useWhatsappTestbed, whatsappTeacher } from '../channels/whatsapp/support/testbed.js';

/** Every control the normalisation removes, one of each kind. */
const CONTROLS = [
  '\u202A',
  '\u202B',
  '\u202C',
  '\u202D',
  '\u202E',
  '\u2066',
  '\u2067',
  '\u2068',
  '\u2069',
  '\u200B',
  '\u200C',
  '\u200D',
  '\u2060',
  '\uFEFF',
];
const INVISIBLE = /[\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/;
/** «Йошкар-Ола» with a decomposed Й (И + U+0306): looks the same, compares differently. */
const DECOMPOSED = 'И\u0306ошкар-Ола';

describe('normaliseIncomingText', () => {
  it('composes to NFC and removes bidi and zero-width controls', () => {
    expect(normaliseIncomingText(`A${CONTROLS.join('')}B`)).toBe('AB');
    expect(normaliseIncomingText(DECOMPOSED)).toBe('Йошкар-Ола');
    expect(normaliseIncomingText(DECOMPOSED).length).toBe(DECOMPOSED.length - 1);
    // A joiner inside an emoji sequence is part of the picture (👩‍🏫, 👍🏽‍…); elsewhere it goes.
    expect(normaliseIncomingText('👩\u200d🏫 и\u200dа')).toBe('👩\u200d🏫 иа');
  });
});

describe('chat messages', () => {
  it('Telegram: a bad /start code is answered without the controls it carried', async () => {
    const store = await openTestStore();
    try {
      await seedCohort(store);
      const engine = createSputnikEngine({
        repos: store.repositories,
        sessions: store.sessions,
        content: content(),
        settings: testSettings,
        logger: silentLogger,
      });
      const tg = new TelegramHarness(store, engine);
      await tg.text({ id: 7101 }, '/start AB\u202EDC\u200B');
      const texts = tg.texts(7101);
      expect(texts.join('\n')).toContain('«ABDC»');
      expect(texts.some((t) => INVISIBLE.test(t))).toBe(false);
    } finally {
      await store.close();
    }
  });
});

describe('WhatsApp messages', () => {
  const tb = useWhatsappTestbed();

  it('a bad course code is answered without the controls it carried', async () => {
    await tb.bed.say('77017770001@c.us', 'привет');
    const replies = await tb.bed.say('77017770001@c.us', 'КУРС\u2066-\u20697\u200D');
    expect(replies.join('\n')).toContain('«КУРС-7»');
    expect(replies.some((t) => INVISIBLE.test(t))).toBe(false);
  });

  it('an answer is stored in NFC, without controls', async () => {
    const { id, participant } = await whatsappTeacher(tb, '77017770002');
    await tb.bed.say(id, '/consult');
    await tb.bed.say(id, '1');
    await tb.bed.say(id, `Вопрос из ${DECOMPOSED}\u202E гфв`);
    const [request] = await tb.store.repositories.consultations.listByParticipant(participant.id);
    expect(request?.description).toBe('Вопрос из Йошкар-Ола гфв');
  });
});

describe('imports', () => {
  it('a participants CSV is read without controls and in NFC', () => {
    const csv = `ФИО;Телефон\r\nИва\u200Bнова Ма\u202Eрия;+7 701 555 40 01\r\n${DECOMPOSED} Анна;+7 701 555 40 02\r\n`;
    const parsed = parseParticipantsCsv(new TextEncoder().encode(csv), { defaultCountry: 'KZ' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    expect(parsed.value.rows.map((r) => r.fullName)).toEqual(['Иванова Мария', 'Йошкар-Ола Анна']);
  });

  it('a cohort YAML is read without controls and in NFC', () => {
    const yaml = [
      'programme: { code: FG-72, title: "Функциональная\u2067 грамотность", direction: "Общее образование" }',
      `cohort: { title: "Поток ${DECOMPOSED}\u200B", courseStart: 2026-03-02, courseEnd: 2026-03-20, timeZone: Asia/Almaty }`,
      'curators: [{ name: "Сейткали\u202D Айгуль", phone: "+7 701 555 11 22" }]',
    ].join('\n');
    const parsed = parseCohortFile(yaml, 'cohort.yaml', { timeZone: 'Europe/Moscow', locale: 'ru' });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.error));
    expect(parsed.value.programme.title).toBe('Функциональная грамотность');
    expect(parsed.value.cohort.title).toBe('Поток Йошкар-Ола');
    expect(JSON.stringify(parsed.value)).not.toMatch(INVISIBLE);
  });
});
