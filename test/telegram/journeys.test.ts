// Journeys over real HTTP: the app as `npm start` builds it, talking to telegram-test-api through
// our proxy (test/support/telegram-emulator.ts), driven the way teachers and curators use it.
import { idOn } from '../../src/domain/participant.js';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type App } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { silentLogger } from '../support/store.js';
import {
  labels,
  TelegramEmulator,
  type BotMessage,
  type ChatSession,
  type TelegramUser,
} from '../support/telegram-emulator.js';

// TELEGRAM_THROTTLE=false: Telegram's pace (one message a second per chat) would make a journey of
// sixty messages take a minute against the local emulator.

const TOKEN = `123456789:${'A'.repeat(35)}`;
const logger = process.env.TEST_TELEGRAM_LOG ? createLogger({ level: process.env.TEST_TELEGRAM_LOG }) : silentLogger;

const moscow = () => DateTime.now().setZone('Europe/Moscow');

let tg: TelegramEmulator;
let app: App;
let cohort: CohortFixture;

beforeAll(async () => {
  tg = await TelegramEmulator.start({ token: TOKEN, botUsername: 'sputnik_test_bot' });
  app = await startApp(
    loadConfig({
      TELEGRAM_BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: tg.apiRoot,
      TELEGRAM_THROTTLE: 'false',
      HTTP_PORT: '0',
      EMBEDDED_STORE_PERSIST: 'false',
    }),
    logger,
  );
  // The course ended two months and five days ago (the app runs on the real clock): of the default
  // plan only the "difficulties" questionnaire is open, so "Анкеты (1)" starts it directly.
  const courseEnd = moscow().minus({ months: 2, days: 5 }).set({ hour: 15, minute: 0 }).toUTC().toISO()!;
  // The scheduler would send that questionnaire's invitation (a new prompt) in the middle of a
  // journey whenever the tests run in Moscow's working hours: the cohort's sending window opens only
  // on the day after tomorrow. Scheduled sends are tested on a clock of their own in test/scheduler.
  const sendingWindow = { from: '09:00', to: '20:00', weekdays: [moscow().plus({ days: 2 }).weekday] };
  cohort = await seedCohort(app.store, { curatorUsername: 'olga_curator', courseEnd, sendingWindow });
  await tg.botConnected();
});

afterAll(async () => {
  await app?.stop();
  await tg?.stop();
});

const maria: TelegramUser = { id: 5001, firstName: 'Мария', username: 'maria_t' };
const olga: TelegramUser = { id: 5002, firstName: 'Ольга', username: 'olga_curator' };
const GROUP = { id: -1001234567890, title: 'ФГ весна 2026 — педагоги' };

/** Onboarding without the detailed checks of the first journey; ends at the main menu. */
async function joinAsTeacher(user: TelegramUser, fullName: string): Promise<{ dm: ChatSession; menu: BotMessage }> {
  const dm = tg.privateChat(user);
  await dm.command(`/start ${cohort.code}`);
  await dm.press(await dm.waitFor('На каком языке'), 'Русский');
  await dm.press(await dm.waitFor('Вы согласны?'), 'Да');
  for (const [question, answer] of [
    ['Как вас зовут', fullName],
    ['В какой организации', 'МБОУ СОШ № 5'],
    ['Ваш регион', 'Ярославская область'],
    ['Район или город', 'Рыбинск'],
  ] as const) {
    await dm.waitFor(question);
    await dm.send(answer);
  }
  await dm.press(await dm.waitFor('в городе или в сельской местности'), 'В городе');
  await dm.waitFor('Ваша должность');
  await dm.send('учитель');
  await dm.waitFor('Какой предмет');
  await dm.send('физика');
  await dm.waitFor('Вы зарегистрированы');
  return { dm, menu: await dm.waitFor('Что хотите сделать?') };
}

/** The same promise for every caller: a precondition several tests share, set up once. */
function once<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}

describe('a teacher in the private chat', () => {
  it('joins by deep link, chooses Russian, consents and fills the profile', async () => {
    const dm = tg.privateChat(maria);
    await dm.command(`/start ${cohort.code}`);
    const welcome = await dm.next();
    expect(welcome.text).toMatch(/^Вы присоединяетесь к курсу «Функциональная грамотность, весна 2026»/);
    const language = await dm.next();
    expect(language.text).toBe('На каком языке вам удобнее общаться?');
    expect(labels(language)).toEqual([['Русский', 'Қазақша', 'English']]);

    // A pressed question keeps its text, shows the answer under it and loses its buttons.
    await dm.press(language, 'Русский');
    const consent = await dm.next();
    expect(consent.text).toMatch(/согласие на обработку персональных данных[\s\S]*Вы согласны\?$/);
    expect(labels(consent)).toEqual([['Да', 'Нет'], ['← Назад']]);
    const answered = dm.current(language);
    expect(answered.text).toBe('На каком языке вам удобнее общаться?\n\n✓ Русский');
    expect(answered.keyboard).toEqual([]);

    await dm.press(consent, 'Да');
    const consented = await dm.edited(consent);
    expect(consented.text).toMatch(/Вы согласны\?\n\n✓ Да$/);
    expect(consented.keyboard).toEqual([]);
    for (const [question, answer] of [
      [/^Как вас зовут\? Напишите фамилию, имя и отчество\.$/, 'Иванова Мария Сергеевна'],
      [/^В какой организации вы работаете\?/, 'МОУ СОШ № 3 г. Тутаева'],
      [/^Ваш регион/, 'Ярославская область'],
      [/^Район или город\?$/, 'Тутаевский район'],
    ] as const) {
      const asked = await dm.next();
      expect(asked.text).toMatch(question);
      expect(labels(asked)).toEqual([['← Назад']]);
      await dm.send(answer);
    }
    const settlement = await dm.next();
    expect(settlement.text).toBe('Ваша организация находится в городе или в сельской местности?');
    await dm.press(settlement, 'В сельской местности');
    expect((await dm.next()).text).toMatch(/^Ваша должность\?/);
    await dm.send('учитель математики');
    expect((await dm.next()).text).toBe('Какой предмет или направление вы ведёте?');
    await dm.send('Математика');
    expect((await dm.next()).text).toMatch(
      /^Спасибо, Иванова Мария Сергеевна! Вы зарегистрированы на курсе «Функциональная грамотность, весна 2026»\./,
    );
    const menu = await dm.next();
    expect(menu.text).toBe('Что хотите сделать?');
    expect(labels(menu).map((row) => row[0])).toEqual([
      'Анкеты (1)',
      'Сообщить о мероприятии',
      'Мой прогресс',
      'Мой план мероприятий',
      'Нужна консультация',
      'Язык / Тіл / Language',
      'Отключить напоминания',
      'Помощь',
      'Удалить мои данные',
    ]);
    expect(dm.current(settlement).text).toMatch(/\n\n✓ В сельской местности$/);

    const stored = await app.store.repositories.participants.findByAddress('telegram', String(maria.id));
    expect(stored).toMatchObject({
      fullName: 'Иванова Мария Сергеевна',
      organisation: 'МОУ СОШ № 3 г. Тутаева',
      region: 'Ярославская область',
      district: 'Тутаевский район',
      settlementType: 'rural',
      position: 'учитель математики',
      subject: 'Математика',
      locale: 'ru',
      addresses: [{ channel: 'telegram', username: 'maria_t' }],
    });
    expect(stored?.consent).toBeDefined();
    expect(await app.store.repositories.enrollments.find(stored!.id, cohort.cohortId)).toMatchObject({
      status: 'active',
    });
    expect(dm.unread()).toEqual([]);
  });

  it('answers a questionnaire from the menu: buttons, ticks with "Готово", a date given again after an error', async () => {
    const teacher: TelegramUser = { id: 5003, firstName: 'Анна', username: 'anna_k' };
    const { dm, menu } = await joinAsTeacher(teacher, 'Петрова Анна Ивановна');
    await dm.press(menu, 'Анкеты (1)');
    expect((await dm.edited(menu)).text).toBe('Что хотите сделать?\n\n✓ Анкеты (1)');
    expect((await dm.next()).text).toMatch(/^Затруднения и потребности в поддержке\n\nРасскажите, пожалуйста/);

    const hasDifficulties = await dm.next();
    expect(hasDifficulties.text).toBe(
      'Вопрос 1 из 10\nИспытываете ли вы сейчас затруднения в профессиональной деятельности?',
    );
    expect(labels(hasDifficulties)).toEqual([['Да', 'Нет']]);
    await dm.press(hasDifficulties, 'Да');

    // Multiple choice: each tick edits the keyboard (☐ → ☑), "Готово" sends the ticked options.
    const areas = await dm.next();
    expect(areas.text).toBe('Вопрос 2 из 10\nВ чём именно вы испытываете затруднения?');
    expect(labels(areas).flat()).toEqual([
      '☐ Составление плана мероприятий',
      '☐ Применение технологий и методов курса на занятиях',
      '☐ Подготовка открытого урока или мастер-класса',
      '☐ Цифровые инструменты и платформы',
      '☐ Оценивание результатов обучающихся',
      '☐ Подготовка публикаций и размещение материалов в интернете',
      '☐ Оформление портфолио или методического продукта',
      '☐ Нехватка времени',
      '☐ Другое',
      'Готово',
      '← Назад',
    ]);
    await dm.press(areas, 'Нехватка времени');
    const ticked = await dm.edited(areas);
    expect(ticked.text).toBe(areas.text);
    expect(labels(ticked).flat()).toContain('☑ Нехватка времени');
    await dm.press(ticked, 'Цифровые инструменты и платформы');
    const twice = await dm.edited(ticked);
    await dm.press(twice, 'Оценивание результатов обучающихся');
    const thrice = await dm.edited(twice);
    await dm.press(thrice, 'Оценивание результатов обучающихся');
    const unticked = await dm.edited(thrice);
    expect(
      labels(unticked)
        .flat()
        .filter((l) => l.startsWith('☑')),
    ).toEqual(['☑ Цифровые инструменты и платформы', '☑ Нехватка времени']);
    expect(dm.unread()).toEqual([]);
    await dm.press(unticked, 'Готово');
    const severity = await dm.next();
    const areasAnswered = dm.current(areas);
    expect(areasAnswered.text).toBe(
      'Вопрос 2 из 10\nВ чём именно вы испытываете затруднения?\n\n✓ Цифровые инструменты и платформы, Нехватка времени',
    );
    expect(areasAnswered.keyboard).toEqual([]);

    expect(severity.text).toBe('Вопрос 3 из 10\nНасколько сильно эти затруднения мешают вашей работе?');
    expect(labels(severity).flat()).toEqual([
      '1 — почти не мешают',
      '2',
      '3',
      '4',
      '5 — мешают очень сильно',
      '← Назад',
    ]);
    await dm.press(severity, '4');
    const forms = await dm.next();
    expect(forms.text).toMatch(/Какие формы поддержки вам подходят\?$/);
    await dm.press(forms, 'Тренинг');
    await dm.press(await dm.edited(forms), 'Готово');
    await dm.press(await dm.waitFor(/Какой формат вам удобнее\?$/), 'Дистанционно');
    await dm.press(await dm.waitFor(/Хотите записаться на консультацию/), 'Да');
    await dm.waitFor(/Сформулируйте тему консультации/);
    await dm.send('Как оценивать групповые проекты');
    await dm.press(await dm.waitFor(/Какая консультация вам нужна\?$/), 'Групповая');

    // A date that is not in the calendar is explained, and the question comes again.
    const date = await dm.next();
    expect(date.text).toBe('Вопрос 9 из 10\nС какой даты вам удобно встретиться?\n\nдд.мм.гггг');
    expect(labels(date)).toEqual([['← Назад', 'Пропустить →']]);
    await dm.send('31.02.2027');
    expect((await dm.next()).text).toBe('Такой даты нет в календаре: 31.02.2027. Проверьте день и месяц.');
    expect((await dm.next()).text).toBe(date.text);
    const meeting = moscow().plus({ days: 20 });
    await dm.send(meeting.toFormat('dd.MM.yyyy'));

    const otherNeeds = await dm.next();
    expect(otherNeeds.text).toMatch(/^Вопрос 10 из 10\nЧто ещё нам важно знать о ваших потребностях\?/);
    await dm.press(otherNeeds, 'Пропустить');
    const summary = await dm.next();
    expect(summary.text).toMatch(/^Проверьте, пожалуйста, ваши ответы:/);
    expect(summary.text).toContain('— Цифровые инструменты и платформы; Нехватка времени');
    expect(summary.text).toContain(`— ${meeting.toFormat('dd.MM.yyyy')}`);
    const confirm = await dm.next();
    expect(confirm.text).toBe('Всё верно? Отправить ответы?');
    await dm.press(confirm, 'Отправить');
    expect((await dm.next()).text).toMatch(/^Спасибо! Если вы записались на консультацию/);
    expect(labels(await dm.next()).map((row) => row[0])).toContain('Анкеты (0)');

    const person = (await app.store.repositories.participants.findByAddress('telegram', String(teacher.id)))!;
    const response = await app.store.repositories.responses.find({
      participantId: person.id,
      cohortId: cohort.cohortId,
      questionnaireId: 'difficulties',
      occasion: 'difficulties-2m',
    });
    expect(response?.status).toBe('completed');
    const answers = Object.fromEntries(response!.answers.map((a) => [a.questionId, a.value]));
    expect(answers).toMatchObject({
      has_difficulties: true,
      areas: ['digital', 'time'],
      severity: 4,
      support_forms: ['training'],
      format: 'online',
      wants_consultation: true,
      consultation_topic: 'Как оценивать групповые проекты',
      consultation_kind: 'group',
      available_from: meeting.toISODate(),
    });
  });

  it('submits an activity: type and level by button, a date outside the year refused, one link, no note', async () => {
    const teacher: TelegramUser = { id: 5004, firstName: 'Ирина', username: 'irina_s' };
    const { dm, menu } = await joinAsTeacher(teacher, 'Соколова Ирина Павловна');
    await dm.press(menu, 'Сообщить о мероприятии');
    const type = await dm.next();
    expect(type.text).toBe('Какое мероприятие вы провели?');
    expect(labels(type).map((row) => row[0])).toEqual([
      'Открытый урок (занятие)',
      'Мастер-класс',
      'Вебинар',
      'Семинар',
      'Тренинг',
      'Консультация для коллег',
      'Конкурс',
      'Публикация',
      'Выступление',
      'Другое',
    ]);
    await dm.press(type, 'Мастер-класс');
    const level = await dm.next();
    expect(level.text).toBe('Какого уровня было мероприятие?');
    expect(dm.current(type).text).toBe('Какое мероприятие вы провели?\n\n✓ Мастер-класс');
    await dm.press(level, 'Районный (городской)');

    const askDate = await dm.next();
    expect(askDate.text).toMatch(/^Когда оно прошло\? Напишите дату в формате дд\.мм\.гггг\./);
    const beforeCourse = moscow().minus({ months: 3 }).toFormat('dd.MM.yyyy');
    await dm.send(beforeCourse);
    expect((await dm.next()).text).toMatch(
      /^Эта дата раньше начала посткурсового года\. В зачёт идут мероприятия с \d\d\.\d\d\.\d{4} по \d\d\.\d\d\.\d{4}\.$/,
    );
    expect((await dm.next()).text).toBe(askDate.text);
    const held = moscow().minus({ days: 1 });
    await dm.send(held.toFormat('dd.MM.yyyy'));
    expect((await dm.next()).text).toBe('Как называлось мероприятие (тема)?');
    await dm.send('Функциональная грамотность на уроках физики');
    expect((await dm.next()).text).toMatch(/^Пришлите ссылку на опубликованные материалы/);
    await dm.send('https://school5.example.ru/news/15');
    const more = await dm.next();
    expect(more.text).toBe('Добавить ещё одну ссылку?');
    await dm.press(more, 'Нет');
    const note = await dm.next();
    expect(note.text).toMatch(/^Хотите что-то добавить для куратора\?/);
    await dm.press(note, 'Пропустить');
    const confirm = await dm.next();
    expect(confirm.text).toBe(
      [
        'Проверьте, пожалуйста:',
        '',
        'Вид: Мастер-класс',
        'Уровень: Районный (городской)',
        `Дата: ${held.toFormat('dd.MM.yyyy')}`,
        'Тема: Функциональная грамотность на уроках физики',
        'Ссылки:',
        'https://school5.example.ru/news/15',
        '',
        'Отправить куратору?',
      ].join('\n'),
    );
    await dm.press(confirm, 'Да');
    expect((await dm.next()).text).toMatch(/^Готово! Мероприятие отправлено куратору на проверку\./);
    expect((await dm.next()).text).toBe('Что хотите сделать?');

    const person = (await app.store.repositories.participants.findByAddress('telegram', String(teacher.id)))!;
    const [activity] = await app.store.repositories.activities.listByParticipant(person.id, cohort.cohortId);
    expect(activity).toMatchObject({
      type: 'master_class',
      level: 'district',
      title: 'Функциональная грамотность на уроках физики',
      links: [expect.objectContaining({ url: 'https://school5.example.ru/news/15' })],
      status: 'submitted',
    });
    expect(DateTime.fromJSDate(activity!.date).setZone('Europe/Moscow').toISODate()).toBe(held.toISODate());
  });

  it('a typed answer takes the buttons away from its question, so nothing stale is left to press', async () => {
    const teacher: TelegramUser = { id: 5005, firstName: 'Олег', username: 'oleg_v' };
    const dm = tg.privateChat(teacher);
    await dm.command(`/start ${cohort.code}`);
    await dm.press(await dm.waitFor('На каком языке'), 'Русский');
    await dm.press(await dm.waitFor('Вы согласны?'), 'Да');
    const name = await dm.waitFor('Как вас зовут');
    await dm.send('Васильев Олег');
    const organisation = await dm.next();
    expect(organisation.text).toMatch(/В какой организации/);
    // The name question had "← Назад" under it; once answered by typing, the button is gone.
    expect(dm.current(name).keyboard).toEqual([]);
    expect(labels(organisation).flat()).toContain('← Назад');
  });
});

// The group part shares one bound group; each step sets up what it needs through these.
const curatorStarted = once(async () => {
  const dm = tg.privateChat(olga);
  await dm.command('/start');
  const menu = await dm.waitFor('Что хотите сделать?');
  return { dm, menu };
});

const groupBound = once(async () => {
  await curatorStarted();
  const group = tg.group(GROUP);
  await group.as(olga).command(`/bind ${cohort.code}`);
  const reply = await group.next();
  await tg.call('createChatInviteLink');
  return { group, reply };
});

describe('a cohort group', () => {
  it('the curator starts the bot and binds the group with /bind; an invite link is made and kept', async () => {
    const { menu } = await curatorStarted();
    expect(labels(menu).map((row) => row[0])).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^Мероприятия на проверку \(\d+\)$/),
        expect.stringMatching(/^Запросы на консультацию \(\d+\)$/),
      ]),
    );
    const { reply } = await groupBound();
    expect(reply.text).toBe(
      'Группа привязана к курсу «Функциональная грамотность, весна 2026». Новым участникам я напомню написать мне в личные сообщения.',
    );
    expect(tg.callsOf('createChatInviteLink')).toEqual([{ chat_id: String(GROUP.id), name: cohort.code }]);
    const [link] = tg.invites();
    expect(link).toMatch(/^https:\/\/t\.me\/\+[\w-]+$/);
    await expect
      .poll(async () => (await app.store.repositories.cohorts.findById(cohort.cohortId))?.groups)
      .toEqual([
        expect.objectContaining({
          channel: 'telegram',
          chatId: String(GROUP.id),
          title: GROUP.title,
          inviteLink: link,
        }),
      ]);
  });

  it('a teacher who joins the group is greeted with a button that opens the private chat', async () => {
    const { group } = await groupBound();
    const newcomer: TelegramUser = { id: 5006, firstName: 'Светлана' };
    await group.join(newcomer);
    const greeting = await group.next();
    expect(greeting.text).toBe(
      `Добро пожаловать в группу курса «Функциональная грамотность, весна 2026»! Чтобы получать анкеты и отправлять ссылки на мероприятия, напишите боту в личные сообщения код курса: ${cohort.code}`,
    );
    expect(greeting.keyboard).toEqual([
      [{ text: 'Написать боту', url: `https://t.me/sputnik_test_bot?start=${cohort.code}` }],
    ]);
    // Ordinary chatter in the group is the teachers' own.
    await group.as(newcomer).send('Всем привет!');
    await group.as(newcomer).command('/menu');
    await group.join({ id: 5007, firstName: 'Пётр' });
    expect((await group.next()).text).toMatch(/^Добро пожаловать в группу курса/);
    expect(group.unread()).toEqual([]);
  });

  it('a teacher who sends /bind in the group is refused', async () => {
    const { group } = await groupBound();
    // A teacher the bot knows, so the refusal is about her role, not about a stranger.
    const elena: TelegramUser = { id: 5008, firstName: 'Елена', username: 'elena_m' };
    await joinAsTeacher(elena, 'Морозова Елена');
    await group.as(elena).command(`/bind ${cohort.code}`);
    expect((await group.next()).text).toBe('Привязать группу к курсу может только его куратор или сотрудник центра.');
    expect(tg.callsOf('createChatInviteLink')).toHaveLength(1);
    expect((await app.store.repositories.cohorts.findById(cohort.cohortId))?.groups).toHaveLength(1);
  });

  it('the curator broadcasts to the group and to each teacher, and gets the delivery report', async () => {
    const { group } = await groupBound();
    const { dm: curator } = await curatorStarted();
    // One teacher reads it in her private chat; another has blocked the bot, and the report names her.
    const reader: TelegramUser = { id: 5010, firstName: 'Вера', username: 'vera_n' };
    const { dm: readerChat } = await joinAsTeacher(reader, 'Новикова Вера');
    const blocked: TelegramUser = { id: 5009, firstName: 'Зоя', username: 'zoya_b' };
    await joinAsTeacher(blocked, 'Белова Зоя');
    tg.blockBot(blocked.id);
    tg.skipAll(curator.chatId);

    await curator.command('/broadcast');
    expect((await curator.next()).text).toBe(
      'Напишите текст сообщения для участников курса «Функциональная грамотность, весна 2026».',
    );
    await curator.send('Коллеги, 1 декабря в 15:00 — вебинар по оцениванию проектов.');
    const askLink = await curator.next();
    expect(askLink.text).toMatch(/^Добавить ссылку\? Пришлите её или нажмите «Пропустить»\./);
    await curator.press(askLink, 'Пропустить →');
    const audience = await curator.next();
    expect(audience.text).toBe('Кому отправить?');
    // The engine's broadcast flow, as on every channel: its options, then back.
    expect(labels(audience).flat()).toEqual(['В группу курса', 'В группу и каждому лично', '← Назад']);
    expect(curator.current(askLink).keyboard).toEqual([]);
    await curator.press(audience, 'В группу и каждому лично');
    expect((await curator.next()).text).toBe('Так будет выглядеть сообщение:');
    expect((await curator.next()).text).toBe('Коллеги, 1 декабря в 15:00 — вебинар по оцениванию проектов.');
    const confirm = await curator.next();
    expect(confirm.text).toBe('Отправить?');
    expect(labels(confirm).flat().slice(0, 2)).toEqual(['Отправить', 'Отмена']);
    await curator.press(confirm, 'Отправить');
    expect((await curator.next()).text).toBe('Отправляю… Пришлю отчёт, когда закончу.');
    const report = await curator.next({ timeoutMs: 10_000 });

    const teachers = await app.store.repositories.participants.findByIds(
      (await app.store.repositories.enrollments.listByCohort(cohort.cohortId, 'active')).map((e) => e.participantId),
    );
    const connected = teachers.filter((p) => idOn(p, 'telegram') !== undefined);
    const total = 1 + connected.length;
    expect(report.text).toBe(
      `Рассылка завершена. Доставлено: ${total - 1} из ${total}.\nЗаблокировали бота: Белова Зоя.`,
    );
    await group.waitFor('Коллеги, 1 декабря в 15:00');
    await readerChat.waitFor('Коллеги, 1 декабря в 15:00');

    const [sent] = await app.store.repositories.broadcasts.listByCohort(cohort.cohortId, 1);
    expect(sent?.deliveries).toHaveLength(total);
    expect(sent?.deliveries.filter((d) => d.status === 'sent')).toHaveLength(total - 1);
    expect(sent?.deliveries.find((d) => d.chatId === String(blocked.id))).toMatchObject({ status: 'blocked' });
    expect(sent?.deliveries.find((d) => d.chatId === String(GROUP.id))).toMatchObject({ status: 'sent' });
    // A dozen round trips through the emulator: a loaded machine needs more than the default.
  }, 90_000);
});

describe('the bot against the Bot API', () => {
  it('publishes the command menus in three languages and does not spin while idle', async () => {
    const menus = tg.callsOf('setMyCommands');
    // The journeys above had a curator write to the bot: their own menu went to their chat (chat scope).
    expect(menus.slice(6).map((m) => (m.scope as { type: string }).type)).toEqual(menus.slice(6).map(() => 'chat'));
    expect(
      menus.slice(0, 6).map((m) => [m.scope ? (m.scope as { type: string }).type : 'default', m.language_code]),
    ).toEqual([
      ['default', undefined],
      ['default', 'kk'],
      ['default', 'en'],
      ['all_group_chats', undefined],
      ['all_group_chats', 'kk'],
      ['all_group_chats', 'en'],
    ]);
    expect((menus[0]!.commands as { command: string }[]).map((c) => c.command)).toEqual([
      'menu',
      'surveys',
      'activity',
      'progress',
      'plan',
      'consult',
      'language',
      'stop',
      'help',
    ]);
    expect(tg.unsupportedCalls()).toEqual([]);
    const before = tg.pollCount;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(tg.pollCount - before).toBeLessThanOrEqual(2);
  });
});

describe('webhook mode', () => {
  const SECRET = 'webhook-secret-0123456789';
  let hook: TelegramEmulator;
  let hookApp: App;
  let code: string;
  let webhookUrl: string;

  beforeAll(async () => {
    hook = await TelegramEmulator.start({ token: TOKEN, botUsername: 'sputnik_test_bot' });
    hookApp = await startApp(
      loadConfig({
        TELEGRAM_BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: hook.apiRoot,
        TELEGRAM_THROTTLE: 'false',
        TELEGRAM_WEBHOOK_URL: 'https://sputnik.example/telegram/webhook',
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        HTTP_PORT: '0',
        EMBEDDED_STORE_PERSIST: 'false',
      }),
      logger,
    );
    webhookUrl = `http://127.0.0.1:${hookApp.http.port}/telegram/webhook`;
    hook.webhookTarget = webhookUrl;
    code = (await seedCohort(hookApp.store, { code: 'HOOK-1', curatorUsername: 'hook_curator' })).code;
    await hook.botConnected();
  });

  afterAll(async () => {
    await hookApp?.stop();
    await hook?.stop();
  });

  const update = (id: number, from: TelegramUser, text: string) => ({
    update_id: id,
    message: {
      message_id: id,
      date: Math.floor(Date.now() / 1000),
      chat: { id: from.id, type: 'private', first_name: from.firstName },
      from: { id: from.id, is_bot: false, first_name: from.firstName },
      text,
      entities: [{ type: 'bot_command', offset: 0, length: text.indexOf(' ') > 0 ? text.indexOf(' ') : text.length }],
    },
  });

  it('registers the webhook with its secret and never polls; updates pushed with the secret are served', async () => {
    expect(hook.webhook).toEqual({
      url: 'https://sputnik.example/telegram/webhook',
      secretToken: SECRET,
      allowedUpdates: ['message', 'callback_query', 'my_chat_member'],
    });
    const user: TelegramUser = { id: 6001, firstName: 'Гульнара', username: 'gulnara_a' };
    const dm = hook.privateChat(user);
    await dm.command(`/start ${code}`);
    await dm.waitFor(/^Вы присоединяетесь к курсу/);
    const language = await dm.next();
    await dm.press(language, 'Русский');
    expect((await dm.next()).text).toMatch(/Вы согласны\?$/);
    expect(dm.current(language).text).toMatch(/✓ Русский$/);
    // The app answers Telegram once the update is handled, a moment after its replies went out.
    await hook.waitUntil(
      () => (hook.webhookDeliveries.length === 2 ? true : undefined),
      5000,
      () => `deliveries: ${JSON.stringify(hook.webhookDeliveries)}`,
    );
    expect(hook.webhookDeliveries.map((d) => d.status)).toEqual([200, 200]);
    expect(hook.pollCount).toBe(0);
  });

  it('refuses an update without the secret header or with a wrong one, and acts on none of them', async () => {
    const stranger: TelegramUser = { id: 6002, firstName: 'Мошенник' };
    const post = (headers: Record<string, string>, id: number) =>
      fetch(webhookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: JSON.stringify(update(id, stranger, `/start ${code}`)),
      });
    expect((await post({}, 900001)).status).toBe(401);
    expect((await post({ 'x-telegram-bot-api-secret-token': 'wrong-secret-0123456789' }, 900002)).status).toBe(401);
    const accepted = await post({ 'x-telegram-bot-api-secret-token': SECRET }, 900003);
    expect(accepted.status).toBe(200);
    // Only the genuine update was acted on: one welcome, one language question.
    await hook.waitFor(stranger.id, /^На каком языке/);
    expect(hook.messages(stranger.id).map((m) => m.text.slice(0, 30))).toEqual([
      'Вы присоединяетесь к курсу «Фу',
      'На каком языке вам удобнее общ',
    ]);
  });
});
