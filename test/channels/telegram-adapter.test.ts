// The Telegram adapter at its edge: real update objects in, recorded Bot API calls out.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSputnikEngine } from '../../src/engine/index.js';
import { t } from '../../src/i18n/index.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { content, testSettings } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { TelegramHarness } from '../support/telegram-harness.js';

const ru = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('ru', key, params);

let store: Store;
let cohort: CohortFixture;
let tg: TelegramHarness;
const teacher = { id: 7001 };
const curator = { id: 7002, username: 'olga_curator' };
const group = { id: -100123, title: 'ФГ весна 2026' };

beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store);
  const engine = createSputnikEngine({
    repos: store.repositories,
    sessions: store.sessions,
    content: content(),
    settings: testSettings,
    logger: silentLogger,
  });
  tg = new TelegramHarness(store, engine);
});
afterEach(async () => {
  await store.close();
});

async function joinAsTeacher(): Promise<void> {
  await tg.text(teacher, `/start ${cohort.code}`);
  await tg.press(teacher, tg.lastSent(teacher.id), 'Русский');
  await tg.press(teacher, tg.lastSent(teacher.id), 'Да');
  for (const answer of ['Иванова Мария', 'МОУ СОШ № 3', 'Ярославская область', 'Тутаевский район'])
    await tg.text(teacher, answer);
  await tg.press(teacher, tg.lastSent(teacher.id), 'В городе');
  await tg.text(teacher, 'учитель');
  await tg.text(teacher, 'математика');
}

describe('telegram adapter', () => {
  it('renders choices as inline buttons and shows the chosen answer in the question', async () => {
    await tg.text(teacher, `/start ${cohort.code}`);
    const language = tg.lastSent(teacher.id);
    expect(language.text).toBe('На каком языке вам удобнее общаться?');
    expect(language.reply_markup?.inline_keyboard.map((row) => row.map((b) => b.text))).toEqual([
      ['Русский', 'Қазақша', 'English'],
    ]);
    for (const b of language.reply_markup!.inline_keyboard.flat())
      expect(Buffer.byteLength(b.callback_data ?? '')).toBeLessThanOrEqual(64);

    await tg.press(teacher, language, 'Русский');
    expect(tg.callsOf('answerCallbackQuery')).toHaveLength(1);
    expect(tg.callsOf('editMessageText').at(-1)).toMatchObject({
      message_id: language.message_id,
      text: 'На каком языке вам удобнее общаться?\n\n✓ Русский',
    });
    expect(tg.lastSent(teacher.id).text).toMatch(/Вы согласны\?$/);
  });

  it('goes through onboarding to the menu, with localized command menus published', async () => {
    await joinAsTeacher();
    const menu = tg.lastSent(teacher.id);
    expect(menu.text).toBe('Что хотите сделать?');
    expect(menu.reply_markup?.inline_keyboard.map((r) => r[0]?.text)).toContain('Сообщить о мероприятии');
    const p = await store.repositories.participants.findByAddress('telegram', String(teacher.id));
    expect(p).toMatchObject({ fullName: 'Иванова Мария', settlementType: 'urban' });
  });

  it('ticks multiple-choice options in the keyboard and submits them with "Готово"', async () => {
    await joinAsTeacher();
    // The difficulties questionnaire opens at +2 months; an invitation starts it directly.
    const p = (await store.repositories.participants.findByAddress('telegram', String(teacher.id)))!;
    const engineOut = await createSputnikEngine({
      repos: store.repositories,
      sessions: store.sessions,
      content: content(),
      settings: testSettings,
      logger: silentLogger,
    }).trigger(
      p.id,
      'surveys',
      {
        questionnaireId: 'engine-check',
        occasion: 'tg',
        cohortId: cohort.cohortId,
        cohortTitle: 'x',
        timeZone: 'Europe/Moscow',
      },
      '',
    );
    expect(engineOut.status).toBe('started');
    await tg.text(teacher, 'да');
    await tg.text(teacher, '3');
    const formats = tg.lastSent(teacher.id);
    expect(formats.text).toMatch(/Какие форматы вы использовали/);
    expect(formats.reply_markup?.inline_keyboard.map((r) => r[0]?.text)).toEqual([
      '☐ Групповая работа',
      '☐ Проекты',
      '☐ Цифровые сервисы',
      '☐ Другое',
      'Готово',
      '← Назад',
    ]);

    await tg.press(teacher, formats, 'Групповая работа');
    const edited = tg.callsOf('editMessageReplyMarkup').at(-1) as {
      reply_markup: { inline_keyboard: { text: string; callback_data: string }[][] };
    };
    expect(edited.reply_markup.inline_keyboard[0]?.[0]?.text).toBe('☑ Групповая работа');
    await tg.press(teacher, { ...formats, reply_markup: edited.reply_markup }, 'Проекты');
    const twice = tg.callsOf('editMessageReplyMarkup').at(-1) as typeof edited;
    await tg.press(teacher, { ...formats, reply_markup: twice.reply_markup }, 'Готово');
    expect(tg.callsOf('editMessageText').at(-1)?.text).toMatch(/✓ Групповая работа, Проекты$/);
    expect(tg.lastSent(teacher.id).text).toMatch(/Комментарий/);
  });

  it('answers a sticker with a hint, and ignores group chatter', async () => {
    await joinAsTeacher();
    const before = tg.calls.length;
    await tg.text(teacher, 'Коллеги, добрый день!', group);
    expect(tg.calls.length).toBe(before);
    await tg.sticker(teacher);
    expect(tg.texts(teacher.id).at(-2)).toBe('Я понимаю только текст и кнопки. Ответьте, пожалуйста, текстом.');
  });

  it('binds a group for its curator only, makes an invite link, greets newcomers with a button', async () => {
    await joinAsTeacher();
    await tg.text(teacher, `/bind ${cohort.code}`, group);
    expect(tg.texts(group.id).at(-1)).toBe('Привязать группу к курсу может только его куратор или сотрудник центра.');
    expect(await store.repositories.cohorts.findByGroup('telegram', String(group.id))).toBeUndefined();

    await tg.text(curator, '/start');
    await tg.text(curator, `/bind ${cohort.code}`, group);
    expect(tg.texts(group.id).at(-1)).toMatch(/^Группа привязана к курсу «Функциональная грамотность, весна 2026»/);
    expect(tg.callsOf('createChatInviteLink')).toEqual([{ chat_id: String(group.id), name: cohort.code }]);
    const bound = await store.repositories.cohorts.findByGroup('telegram', String(group.id));
    expect(bound?.groups[0]).toMatchObject({
      chatId: String(group.id),
      title: group.title,
      inviteLink: 'https://t.me/+AbCdEf',
    });

    await tg.joined({ id: 7005 }, group);
    const welcome = tg.lastSent(group.id);
    expect(welcome.text).toMatch(/Добро пожаловать в группу курса/);
    expect(welcome.reply_markup?.inline_keyboard[0]?.[0]).toEqual({
      text: 'Написать боту',
      url: `https://t.me/sputnik_test_bot?start=${cohort.code}`,
    });
  });

  it('unbinds with /unbind (the same group command as on Max, engine/groups.ts), and says so when nothing is bound', async () => {
    await tg.text(curator, '/start');
    await tg.text(curator, `/bind@sputnik_test_bot ${cohort.code}`, group);
    expect(tg.texts(group.id).at(-1)).toMatch(/^Группа привязана к курсу/);
    // The invite link goes to the curator privately, not to the group.
    expect(tg.texts(curator.id).at(-1)).toContain('https://t.me/+AbCdEf');
    await tg.text(curator, '/unbind', group);
    expect(tg.texts(group.id).at(-1)).toBe(ru('group.unbound', { title: 'Функциональная грамотность, весна 2026' }));
    expect(await store.repositories.cohorts.findByGroup('telegram', String(group.id))).toBeUndefined();
    await tg.text(curator, '/unbind', group);
    expect(tg.texts(group.id).at(-1)).toBe(ru('group.not_bound'));
  });

  it('marks a teacher who blocked the bot unreachable, and again reachable when they write', async () => {
    await joinAsTeacher();
    await tg.blocked(teacher);
    const p = await store.repositories.participants.findByAddress('telegram', String(teacher.id));
    expect(p?.addresses.find((a) => a.channel === 'telegram')?.unreachableSince).toBeInstanceOf(Date);
    await tg.text(teacher, '/menu');
    expect(
      (await store.repositories.participants.findByAddress('telegram', String(teacher.id)))?.addresses.some(
        (a) => a.unreachableSince,
      ),
    ).toBe(false);
  });

  it('reports a send to someone who blocked the bot as "blocked", not as a retryable failure', async () => {
    tg.failures.set('sendMessage', [403, 'Forbidden: bot was blocked by the user']);
    const outcome = await tg.channel.sender.send('7001', { kind: 'text', text: 'Напоминание' });
    expect(outcome).toEqual({
      ok: false,
      kind: 'blocked',
      detail: 'Forbidden: bot was blocked by the user',
      retryable: false,
    });
    tg.failures.set('sendMessage', [400, 'Bad Request: chat not found']);
    expect(await tg.channel.sender.send('1', { kind: 'text', text: 'x' })).toMatchObject({
      ok: false,
      kind: 'chat_not_found',
    });
  });

  it('keeps both ticks of two quick taps, and never shows a refused answer as given', async () => {
    await joinAsTeacher();
    const p = (await store.repositories.participants.findByAddress('telegram', String(teacher.id)))!;
    await createSputnikEngine({
      repos: store.repositories,
      sessions: store.sessions,
      content: content(),
      settings: testSettings,
      logger: silentLogger,
    }).trigger(
      p.id,
      'surveys',
      {
        questionnaireId: 'engine-check',
        occasion: 'tg2',
        cohortId: cohort.cohortId,
        cohortTitle: 'x',
        timeZone: 'Europe/Moscow',
      },
      '',
    );
    await tg.text(teacher, 'да');
    await tg.text(teacher, '3');
    const formats = tg.lastSent(teacher.id);
    // "Готово" with nothing ticked is refused: the question is not marked answered, its buttons go.
    const edits = tg.callsOf('editMessageText').length;
    await tg.press(teacher, formats, 'Готово');
    expect(tg.callsOf('editMessageText')).toHaveLength(edits);
    expect(tg.callsOf('editMessageReplyMarkup').at(-1)).toMatchObject({ message_id: formats.message_id });
    expect(tg.callsOf('editMessageReplyMarkup').at(-1)?.reply_markup).toBeUndefined();
    const again = tg.lastSent(teacher.id);
    // Two taps sent before the first redraw arrives: both carry the original keyboard.
    await tg.press(teacher, again, 'Групповая работа');
    await tg.press(teacher, again, 'Проекты');
    const drawn = tg.callsOf('editMessageReplyMarkup').at(-1) as {
      reply_markup: { inline_keyboard: { text: string }[][] };
    };
    expect(drawn.reply_markup.inline_keyboard.map((r) => r[0]?.text).slice(0, 2)).toEqual([
      '☑ Групповая работа',
      '☑ Проекты',
    ]);
    await tg.press(teacher, { ...again, reply_markup: drawn.reply_markup as never }, 'Готово');
    expect(tg.callsOf('editMessageText').at(-1)?.text).toMatch(/✓ Групповая работа, Проекты$/);
    // Skipping shows no "✓ Пропустить" under the question.
    const comment = tg.lastSent(teacher.id);
    await tg.press(teacher, comment, 'Пропустить →');
    expect(tg.callsOf('editMessageText').at(-1)?.text).toBe(comment.text);
  });

  it('a quick double tap keeps the «✓ answer» line of the first tap', async () => {
    await joinAsTeacher();
    const p = (await store.repositories.participants.findByAddress('telegram', String(teacher.id)))!;
    await createSputnikEngine({
      repos: store.repositories,
      sessions: store.sessions,
      content: content(),
      settings: testSettings,
      logger: silentLogger,
    }).trigger(
      p.id,
      'surveys',
      {
        questionnaireId: 'engine-check',
        occasion: 'tg3',
        cohortId: cohort.cohortId,
        cohortTitle: 'x',
        timeZone: 'Europe/Moscow',
      },
      '',
    );
    await tg.text(teacher, 'да');
    await tg.text(teacher, '3');
    const formats = tg.lastSent(teacher.id);
    await tg.press(teacher, formats, 'Проекты');
    const drawn = tg.callsOf('editMessageReplyMarkup').at(-1) as { reply_markup: never };
    const ticked = { ...formats, reply_markup: drawn.reply_markup };
    // Both taps on "Готово" left the phone before the first edit arrived: both carry the original text.
    await tg.press(teacher, ticked, 'Готово');
    await tg.press(teacher, ticked, 'Готово');
    const edits = tg.callsOf('editMessageText').filter((e) => e.message_id === formats.message_id);
    expect(edits.map((e) => e.text)).toEqual([`${formats.text}\n\n✓ Проекты`]);
    const answers = (await store.repositories.responses.listInProgress(p.id))[0]?.answers;
    expect(answers?.find((a) => a.questionId === 'formats')?.value).toEqual(['project']);
  });

  it('sends the group invite link to the curator privately', async () => {
    await tg.text(curator, '/start');
    await tg.text(curator, `/bind ${cohort.code}`, group);
    expect(tg.texts(curator.id).at(-1)).toBe('Ссылка-приглашение в группу: https://t.me/+AbCdEf');
  });
});
