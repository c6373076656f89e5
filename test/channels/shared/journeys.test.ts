// One suite, every channel: the same journeys through each registered channel (Telegram's and Max's
// buttons, WhatsApp's typed numbers) and through a fake fourth channel built from its own folder
// (test/channels/fake), asserting the same texts. A registered channel without a driver fails here.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { t } from '../../../src/i18n/index.js';
import type { Store } from '../../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../../support/cohort-fixture.js';
import { Clock, testSettings } from '../../support/engine-harness.js';
import { openTestStore } from '../../support/store.js';
import { waitFor } from '../../support/wait.js';
import { makeEngine } from '../whatsapp/support/testbed.js';
import { CHANNEL_MODULES } from '../../../src/channels/registry.js';
import { fakeDriver } from '../fake/driver.js';
import type { ChannelDriver } from './driver.js';
import { maxDriver } from './max-driver.js';
import { telegramDriver } from './telegram-driver.js';
import { webchatDriver } from './webchat-driver.js';
import { plain, whatsappDriver } from './whatsapp-driver.js';

const TITLE = 'Функциональная грамотность, весна 2026';
const ru = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('ru', key, params);
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

type OpenDriver = (store: Store, clock: Clock) => Promise<ChannelDriver>;

const drivers: Record<string, OpenDriver> = {
  telegram: async (store, clock) => telegramDriver(store, makeEngine(store, clock)),
  whatsapp: async (store, clock) => whatsappDriver(store, makeEngine(store, clock)),
  webchat: async (store, clock) => webchatDriver(store, makeEngine(store, clock)),
  max: async (store, clock) => maxDriver(store, makeEngine(store, clock)),
  fake: async (store, clock) => fakeDriver(store, makeEngine(store, clock)),
};

/** Every channel in the registry, and the fake one the tests register on top. */
const registered = [...CHANNEL_MODULES.map((m) => m.name), 'fake'];

it('has a journey driver for every registered channel', () => {
  expect(registered.filter((name) => !drivers[name])).toEqual([]);
});

describe.each(registered)('on %s', (name) => {
  const open = drivers[name] ?? (() => Promise.reject(new Error(`no driver for the ${name} channel`)));
  let store: Store;
  let cohort: CohortFixture;
  let d: ChannelDriver;

  beforeEach(async () => {
    store = await openTestStore();
    cohort = await seedCohort(store);
    d = await open(store, new Clock(new Date('2026-06-01T07:00:00Z')));
  });
  afterEach(async () => {
    await d.close();
    await store.close();
  });

  /** Code, language, consent, profile: a teacher who has just joined. */
  async function onboard(): Promise<void> {
    await d.say(cohort.code);
    await d.choose(1);
    await d.choose(1);
    for (const answer of ['Иванова Мария Петровна', 'МОУ СОШ № 3', 'Ярославская область', 'Тутаевский район'])
      await d.say(answer);
    await d.choose(1);
    await d.say('учитель');
    await d.say('математика');
  }

  it('onboards by course code, with consent and profile', async () => {
    await d.say(cohort.code);
    expect(d.replies()).toEqual([
      ru('onboarding.welcome', { cohortTitle: TITLE }),
      'На каком языке вам удобнее общаться?',
    ]);
    expect(d.options()).toEqual(['Русский', 'Қазақша', 'English']);
    await d.choose(1);
    expect(d.replies()).toEqual([ru('onboarding.consent_question', { policyUrl: testSettings.privacyPolicyUrl! })]);
    expect(d.options()).toEqual(['Да', 'Нет']);
    await d.choose(1);
    expect(d.replies()).toEqual(['Как вас зовут? Напишите фамилию, имя и отчество.']);
    await d.say('Иванова Мария Петровна');
    expect(d.replies()).toEqual(['В какой организации вы работаете? Например: МОУ СОШ № 3 г. Тутаева.']);
    await d.say('МОУ СОШ № 3');
    await d.say('Ярославская область');
    expect(d.replies()).toEqual(['Район или город?']);
    await d.say('Тутаевский район');
    expect(d.replies()).toEqual(['Ваша организация находится в городе или в сельской местности?']);
    expect(d.options()).toEqual(['В городе', 'В сельской местности']);
    await d.choose(2);
    expect(d.replies()).toEqual(['Ваша должность? Например: учитель, методист, заместитель директора.']);
    await d.say('учитель');
    await d.say('математика');
    expect(d.replies()[0]).toBe(ru('onboarding.done', { fullName: 'Иванова Мария Петровна', cohortTitle: TITLE }));
    expect(await d.participant()).toMatchObject({
      fullName: 'Иванова Мария Петровна',
      organisation: 'МОУ СОШ № 3',
      region: 'Ярославская область',
      district: 'Тутаевский район',
      settlementType: 'rural',
      position: 'учитель',
      subject: 'математика',
      consent: { given: true },
    });
  });

  it('answers a questionnaire, with a validation retry and a multiple choice', async () => {
    await onboard();
    await d.trigger('surveys', {
      questionnaireId: 'engine-check',
      occasion: 'shared',
      cohortId: cohort.cohortId,
      cohortTitle: TITLE,
      timeZone: 'Europe/Moscow',
    });
    expect(d.replies().at(-1)).toBe('Вопрос 1 из 5\nПрименяли ли вы материалы курса на уроках?');
    expect(d.options()).toEqual(['Да', 'Нет']);
    await d.choose(1);
    const lessons = 'Вопрос 2 из 5\nСколько уроков вы провели с ними?\n\nчисло от 1 до 50';
    expect(d.replies()).toEqual([lessons]);
    await d.say('пятьдесят два');
    expect(d.replies()).toEqual(['Пришлите, пожалуйста, число цифрами, например 12.', lessons]);
    await d.say('52');
    expect(d.replies()).toEqual(['Введите число от 1 до 50.', lessons]);
    await d.say('12');
    expect(d.replies()).toEqual(['Вопрос 4 из 5\nКакие форматы вы использовали?']);
    expect(d.options()).toEqual(['Групповая работа', 'Проекты', 'Цифровые сервисы', 'Другое']);
    await d.chooseMany([1, 2]);
    expect(d.replies()).toEqual(['Вопрос 5 из 5\nКомментарий (необязательно)']);
    await d.say('пропустить');
    const [summary, confirm] = d.replies();
    expect(summary).toContain('3. Какие форматы вы использовали?\n— Групповая работа; Проекты');
    expect(confirm).toBe('Всё верно? Отправить ответы?');
    expect(d.options()).toEqual(['Отправить', 'Изменить ответ']);
    await d.choose(1);
    // The questionnaire's own closing words (its outro).
    expect(d.replies()[0]).toBe('Спасибо за ответы!');
    const me = await d.participant();
    const response = await store.repositories.responses.find({
      participantId: me!.id,
      cohortId: cohort.cohortId,
      questionnaireId: 'engine-check',
      occasion: 'shared',
    });
    expect(Object.fromEntries(response!.answers.map((a) => [a.questionId, a.value]))).toMatchObject({
      used: true,
      lessons: 12,
      formats: ['group', 'project'],
    });
  });

  it('submits an activity to the curator', async () => {
    await onboard();
    await d.say('/activity');
    expect(d.replies()).toEqual(['Какое мероприятие вы провели?']);
    expect(d.options()).toHaveLength(10);
    await d.choose(3);
    expect(d.replies()).toEqual(['Какого уровня было мероприятие?']);
    await d.choose(2);
    expect(d.replies()).toEqual(['Когда оно прошло? Напишите дату в формате дд.мм.гггг.\n\nдд.мм.гггг']);
    await d.say('10.05.2026');
    await d.say('Читательская грамотность на уроках математики');
    expect(d.replies()).toEqual([
      'Пришлите ссылку на опубликованные материалы: пост в соцсети, страницу на сайте школы, запись.\n\nссылка, начинающаяся с https://',
    ]);
    await d.say('https://school3.example/webinar');
    expect(d.replies()).toEqual(['Добавить ещё одну ссылку?']);
    await d.choose(2);
    await d.say('пропустить');
    const [confirm] = d.replies();
    expect(confirm).toMatch(
      /^Проверьте, пожалуйста:\n\n[\s\S]*Вебинар[\s\S]*10\.05\.2026[\s\S]*https:\/\/school3\.example\/webinar[\s\S]*Отправить куратору\?$/,
    );
    await d.choose(1);
    expect(d.replies()).toEqual([ru('activity.submitted'), 'Что хотите сделать?']);
    const [activity] = await store.repositories.activities.listByCohort(cohort.cohortId);
    expect(activity).toMatchObject({
      type: 'webinar',
      level: 'district',
      title: 'Читательская грамотность на уроках математики',
      links: [{ url: 'https://school3.example/webinar' }],
      status: 'submitted',
    });
  });

  it('refuses a curator command to a teacher', async () => {
    await onboard();
    await d.say('/review');
    expect(d.replies()).toEqual(['Эта команда доступна только кураторам и тьюторам курса.']);
    await d.say('/consultations');
    expect(d.replies()).toEqual(['Эта команда доступна только кураторам и тьюторам курса.']);
    await d.say('/broadcast');
    expect(d.replies()).toEqual(['Эта команда доступна только кураторам и тьюторам курса.']);
  });

  it('lets the curator broadcast to the cohort from here: the teachers receive it, the curator gets the report', async () => {
    const repos = store.repositories;
    // The person on this channel is the cohort's curator; two of its teachers use this channel too.
    await repos.participants.linkAddress(cohort.curatorId, { channel: d.channel, id: d.chatId });
    await repos.participants.recordConsent(cohort.curatorId, 'test-1', new Date());
    for (const [n, fullName] of [
      [1, 'Белова Зоя'],
      [2, 'Петрова Анна'],
    ] as const) {
      const teacher = await repos.participants.create({
        fullName,
        addresses: [{ channel: d.channel, id: d.peer(n) }],
        locale: 'ru',
      });
      if (!teacher.ok) throw new Error('teacher fixture');
      await repos.participants.recordConsent(teacher.value.id, 'test-1', new Date());
      await repos.enrollments.enroll({
        participantId: teacher.value.id,
        cohortId: cohort.cohortId,
        at: new Date(),
        stages: [1, 2, 3],
      });
    }

    await d.say('/broadcast');
    expect(d.replies()).toEqual([ru('broadcast.ask_text', { title: TITLE })]);
    await d.say('Вебинар для всех участников курса — в четверг в 15:00.');
    expect(d.replies()[0]).toMatch(/^Добавить ссылку\?/);
    await d.say('https://centre.example/webinar');
    expect(d.replies()).toEqual([ru('broadcast.ask_audience')]);
    // The cohort has no group yet: each teacher gets it privately.
    expect(d.options()).toEqual([ru('broadcast.audience_private')]);
    await d.choose(1);
    const body = 'Вебинар для всех участников курса — в четверг в 15:00.\n\nhttps://centre.example/webinar';
    expect(d.replies()).toEqual([ru('broadcast.preview'), body, ru('broadcast.confirm')]);
    expect(d.options()).toEqual([ru('broadcast.send'), ru('broadcast.cancel')]);
    await d.choose(1);
    // A channel that runs its queue at once (WhatsApp here) may already show the report under it.
    expect(d.replies()[0]).toBe(ru('broadcast.sending'));

    const report = ru('broadcast.report', { sent: 2, total: 2 });
    await waitFor(async () => ((await d.received(d.chatId)).includes(report) ? true : undefined), 60_000);
    expect(await d.received(d.peer(1))).toEqual([body]);
    expect(await d.received(d.peer(2))).toEqual([body]);
    const [sent] = await repos.broadcasts.listByCohort(cohort.cohortId);
    expect(sent?.deliveries.map((x) => [x.chatId, x.status]).sort()).toEqual([
      [d.peer(1), 'sent'],
      [d.peer(2), 'sent'],
    ]);
  });

  it('gives the curator the figures and the half-year report here', async () => {
    await store.repositories.participants.linkAddress(cohort.curatorId, { channel: d.channel, id: d.chatId });
    await store.repositories.participants.recordConsent(cohort.curatorId, 'test-1', new Date());
    await d.say('/stats');
    expect(d.replies()[0]).toMatch(/^Мониторинг: /);
    await d.say('/report');
    const [preparing, ...files] = d.replies();
    expect(preparing).toBe(ru('monitoring.report_preparing'));
    // Telegram, WhatsApp and Max send the spreadsheet as a file; a channel without files says what it is and where to get it.
    if (d.documents) expect(d.documents().map((f) => f.filename)).toEqual([expect.stringMatching(/^report-.+\.xlsx$/)]);
    else
      expect(files).toEqual([
        expect.stringMatching(new RegExp(`\\n${ru('monitoring.report_file_elsewhere').replace(/[.()]/g, '\\$&')}$`)),
      ]);
  });

  it('gives the curator the answers as a file here (/export), or says what the file is and where to get it', async () => {
    await store.repositories.participants.linkAddress(cohort.curatorId, { channel: d.channel, id: d.chatId });
    await store.repositories.participants.recordConsent(cohort.curatorId, 'test-1', new Date());
    await d.say('/export json');
    // Nobody has answered yet: the file holds no rows, and the caption says so.
    const caption = expect.stringMatching(
      new RegExp(
        `^${escapeRegExp(ru('monitoring.export_ready', { filename: 'sputnik-' }))}.+\\.json\\n${escapeRegExp(ru('monitoring.export_empty'))}`,
      ),
    );
    if (d.documents) {
      // Telegram, WhatsApp and Max send the file itself (WhatsApp and Max show its caption in the chat).
      const [file, ...more] = d.documents();
      expect(more).toEqual([]);
      expect(file).toMatchObject({ filename: expect.stringMatching(/\.json$/), caption });
      expect(JSON.parse(Buffer.from(file!.data).toString('utf8'))).toMatchObject({ questionnaires: [] });
      expect(d.replies().filter((r) => r !== file!.caption)).toEqual([]);
    } else {
      expect(d.replies()).toEqual([caption]);
      expect(d.replies()[0]).toMatch(new RegExp(`\\n${escapeRegExp(ru('monitoring.export_file_elsewhere'))}$`));
    }
  });

  it('lets the curator change their mind before anything is sent', async () => {
    await store.repositories.participants.linkAddress(cohort.curatorId, { channel: d.channel, id: d.chatId });
    await store.repositories.participants.recordConsent(cohort.curatorId, 'test-1', new Date());
    await d.say('/broadcast');
    await d.say('Отмена занятия');
    await d.say('пропустить');
    await d.choose(1);
    await d.choose(2);
    expect(d.replies()).toEqual([ru('broadcast.cancelled')]);
    expect(await store.repositories.broadcasts.listByCohort(cohort.cohortId)).toEqual([]);
  });
});

describe('reading WhatsApp replies as plain strings', () => {
  it('drops only the numbered list and the how-to-answer lines', () => {
    expect(
      plain('Вопрос?\n\nОтветьте цифрой:\n1 — Да\n2 — Нет\n\nНапишите «назад», чтобы вернуться к предыдущему вопросу.'),
    ).toBe('Вопрос?');
    expect(plain('Когда?\n\nдд.мм.гггг\n\nНапишите «пропустить», если не хотите отвечать на этот вопрос.')).toBe(
      'Когда?\n\nдд.мм.гггг',
    );
    expect(plain('Текст\n\nбез списка')).toBe('Текст\n\nбез списка');
  });
});
