// The Max channel over real HTTP against the fake Max Bot API: what a teacher or a curator would
// notice on Max beyond the shared journeys — blocking the bot, Max refusing calls, stale buttons,
// the cohort's group bound and broadcast to, and one person on two messengers.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addressUrn } from '../../../src/domain/participant.js';
import type { Engine } from '../../../src/engine/index.js';
import { t } from '../../../src/i18n/index.js';
import type { Store } from '../../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../../support/cohort-fixture.js';
import { Clock } from '../../support/engine-harness.js';
import { keyboardOf, person } from '../../support/max-fake-api.js';
import { openTestStore } from '../../support/store.js';
import { waitFor } from '../../support/wait.js';
import { makeEngine } from '../whatsapp/support/testbed.js';
import { openMaxBed, type MaxBed } from './bed.js';

const TITLE = 'Функциональная грамотность, весна 2026';
const ru = (key: Parameters<typeof t>[1], params?: Record<string, string | number>) => t('ru', key, params);

let store: Store;
let cohort: CohortFixture;
let engine: Engine;
let bed: MaxBed;
let clock: Clock;

beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store);
  clock = new Clock(new Date('2026-06-01T07:00:00Z'));
  engine = makeEngine(store, clock);
  bed = await openMaxBed(store, engine);
});
afterEach(async () => {
  await bed.close();
  await store.close();
});

/** A teacher who joined on Max: code, language, consent, profile. */
async function teacherOnMax(userId: number, fullName: string): Promise<string> {
  const user = person(userId);
  const { fake } = bed;
  await fake.startBot(user, cohort.code);
  const question = () =>
    fake
      .sentTo(userId)
      .filter((m) => keyboardOf(m).length)
      .at(-1)!;
  await fake.press(user, question().mid, 'Русский');
  await fake.press(user, question().mid, 'Да');
  for (const answer of [fullName, 'МОУ СОШ № 3', 'Ярославская область', 'Тутаевский район'])
    await fake.write(user, answer);
  await fake.press(user, question().mid, 'В городе');
  await fake.write(user, 'учитель');
  await fake.write(user, 'математика');
  const me = await store.repositories.participants.findByAddress('max', String(userId));
  if (!me?.consent?.given) throw new Error('onboarding did not finish');
  return me.id;
}

describe('joining by link', () => {
  it('a deep link max.ru/<bot>?start=CODE starts onboarding in the cohort', async () => {
    await bed.fake.startBot(person(7401), cohort.code);
    expect(bed.fake.sentTo(7401).map((m) => m.text)).toEqual([
      ru('onboarding.welcome', { cohortTitle: TITLE }),
      'На каком языке вам удобнее общаться?',
    ]);
  });
});

describe('buttons', () => {
  it('shows the chosen answer under the question and takes the buttons away', async () => {
    await bed.fake.write(person(7402), cohort.code);
    const question = bed.fake.sentTo(7402).at(-1)!;
    await bed.fake.press(person(7402), question.mid, 'Русский');
    expect(bed.fake.messages.get(question.mid)).toMatchObject({
      text: 'На каком языке вам удобнее общаться?\n\n✓ Русский',
      attachments: [],
    });
    expect(bed.fake.calls.filter((c) => c.path === '/answers')).toHaveLength(1);
  });

  it('a typed answer leaves no stale buttons behind', async () => {
    const user = person(7403);
    await bed.fake.write(user, cohort.code);
    const question = bed.fake.sentTo(7403).at(-1)!;
    expect(
      keyboardOf(question)
        .flat()
        .map((b) => b.text),
    ).toEqual(['Русский', 'Қазақша', 'English']);
    await bed.fake.write(user, 'Русский');
    expect(bed.fake.calls.find((c) => c.method === 'PUT' && c.query.message_id === question.mid)?.body).toEqual({
      attachments: [],
    });
    expect(keyboardOf(bed.fake.messages.get(question.mid)!)).toEqual([]);
  });
});

describe('a teacher on Max', () => {
  it('asks for a consultation, sees progress, switches language and deletes their data', async () => {
    const id = await teacherOnMax(7410, 'Лебедева Нина');
    const user = person(7410);
    const { fake } = bed;
    const last = () => fake.sentTo(7410).at(-1)!;

    await fake.write(user, '/progress');
    expect(fake.sentTo(7410).some((m) => m.text.includes('0 из 3'))).toBe(true);

    await fake.write(user, '/consult');
    await fake.press(user, last().mid, 'Оценивание');
    await fake.write(user, 'Как составить критерии оценивания для проектной работы?');
    const [request] = await store.repositories.consultations.listByCohort(cohort.cohortId);
    expect(request).toMatchObject({ participantId: id, status: 'open' });

    await fake.write(user, '/language');
    await fake.press(user, last().mid, 'Қазақша');
    expect((await store.repositories.participants.findById(id))?.locale).toBe('kk');
    await fake.write(user, '/language');
    await fake.press(user, last().mid, 'Русский');

    await fake.write(user, '/delete');
    expect(
      keyboardOf(last())
        .flat()
        .map((b) => b.text),
    ).toEqual(['Да', 'Нет']);
    await fake.press(user, last().mid, 'Да');
    expect(last().text).toBe(
      'Ваши данные удалены. Спасибо, что были с нами! Если захотите вернуться, пришлите код курса.',
    );
    const gone = await store.repositories.participants.findById(id);
    expect(gone?.addresses).toEqual([]);
    expect(gone?.fullName).toBeUndefined();
    expect(await store.repositories.participants.findByAddress('max', String(7410))).toBeUndefined();
  });
});

describe('when Max refuses', () => {
  it('waits out a 429 and the reply still arrives', async () => {
    bed.fake.refuse(
      'POST',
      /^\/messages$/,
      429,
      { code: 'too.many.requests', message: 'Too many requests' },
      { times: 2 },
    );
    await bed.fake.write(person(7404), cohort.code);
    const sends = bed.fake.calls.filter((c) => c.method === 'POST' && c.path === '/messages').map((c) => c.status);
    expect(sends.slice(0, 3)).toEqual([429, 429, 200]);
    expect(bed.fake.sentTo(7404).map((m) => m.text)[0]).toBe(ru('onboarding.welcome', { cohortTitle: TITLE }));
  });

  it('a teacher who stops the bot is unreachable on Max until they write again', async () => {
    const id = await teacherOnMax(7405, 'Петрова Анна');
    await bed.fake.stopBot(person(7405));
    expect(
      (await store.repositories.participants.findById(id))?.addresses.find((a) => a.channel === 'max')
        ?.unreachableSince,
    ).toBeInstanceOf(Date);
    const [delivery] = await bed.dispatcher.dispatch([
      { to: { kind: 'participant', participantId: id }, message: { kind: 'text', text: 'Напоминание' } },
    ]);
    expect(delivery?.outcome).toMatchObject({ ok: false, kind: 'unreachable' });
    expect(bed.fake.sentTo(7405).map((m) => m.text)).not.toContain('Напоминание');
    bed.fake.blocked.delete(7405);
    await bed.fake.write(person(7405), '/menu');
    expect(
      (await store.repositories.participants.findById(id))?.addresses.find((a) => a.channel === 'max')
        ?.unreachableSince,
    ).toBeUndefined();
  });

  it('a 403 on sending marks the teacher unreachable on Max', async () => {
    const id = await teacherOnMax(7406, 'Сидорова Елена');
    bed.fake.blocked.add(7406);
    const [delivery] = await bed.dispatcher.dispatch([
      { to: { kind: 'participant', participantId: id }, message: { kind: 'text', text: 'Напоминание' } },
    ]);
    expect(delivery?.outcome).toMatchObject({ ok: false, kind: 'blocked', retryable: false });
    expect(
      (await store.repositories.participants.findById(id))?.addresses.find((a) => a.channel === 'max')
        ?.unreachableSince,
    ).toBeInstanceOf(Date);
  });
});

describe('files on Max', () => {
  const CURATOR = 7480;
  /** The curator asks for the answers in their private chat with the bot: /export json. */
  async function exportAsCurator(): Promise<void> {
    await store.repositories.participants.linkAddress(cohort.curatorId, { channel: 'max', id: String(CURATOR) });
    await store.repositories.participants.recordConsent(cohort.curatorId, 'test-1', new Date());
    await bed.fake.write(person(CURATOR), '/export json');
  }
  const elsewhere = ru('monitoring.export_file_elsewhere');

  it('uploads the export and sends it with its caption; a file Max is still processing is sent again', async () => {
    bed.fake.notReady = 1;
    await exportAsCurator();
    const [file, ...more] = bed.fake.documentsTo(CURATOR);
    expect(more).toEqual([]);
    expect(file).toMatchObject({ type: 'file', filename: expect.stringMatching(/^sputnik-.+\.json$/) });
    expect(file!.caption.startsWith(ru('monitoring.export_ready', { filename: file!.filename }))).toBe(true);
    expect(JSON.parse(Buffer.from(file!.data).toString('utf8'))).toMatchObject({ questionnaires: [] });
    // Upload URL, the file, then the message: refused once while Max processed the file, then sent.
    const calls = bed.fake.calls
      .filter((c) => c.method === 'POST' && c.path !== '/updates')
      .map((c) => c.path.replace(/\d+/, 'N'));
    expect(calls).toEqual(['/uploads', '/upload/N', '/messages', '/messages']);
    expect(bed.fake.sentTo(CURATOR).map((m) => m.text)).toEqual([file!.caption]);
  });

  it('says what the file is and where to get it when the upload server is out of reach', async () => {
    bed.fake.uploadsOffline = true;
    await exportAsCurator();
    expect(bed.fake.documentsTo(CURATOR)).toEqual([]);
    const [text, ...more] = bed.fake.sentTo(CURATOR).map((m) => m.text);
    expect(more).toEqual([]);
    expect(text).toMatch(new RegExp(`^${ru('monitoring.export_ready', { filename: 'sputnik-' })}.+\\.json\\n`));
    expect(text!.endsWith(`\n${elsewhere}`)).toBe(true);
  });

  it('says the same when Max keeps refusing to give an upload URL', async () => {
    bed.fake.refuse('POST', /^\/uploads$/, 503, { code: 'service.unavailable', message: 'Try later' }, { times: 10 });
    await exportAsCurator();
    expect(bed.fake.documentsTo(CURATOR)).toEqual([]);
    expect(bed.fake.sentTo(CURATOR).map((m) => m.text.endsWith(`\n${elsewhere}`))).toEqual([true]);
  });

  it('sends a chart as a picture', async () => {
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    const outcome = await bed.channel.sender.sendFile!(String(CURATOR), {
      kind: 'file',
      filename: 'chart.png',
      data: png,
      text: 'Ответы по регионам',
      picture: true,
    });
    expect(outcome.ok).toBe(true);
    expect(bed.fake.documentsTo(CURATOR)).toEqual([
      { type: 'image', filename: 'chart.png', caption: 'Ответы по регионам', data: png },
    ]);
  });
});

describe("the cohort's Max group", () => {
  const GROUP = -700100;
  const curator = person(7500, 'Ольга');

  beforeEach(async () => {
    await store.repositories.participants.linkAddress(cohort.curatorId, {
      channel: 'max',
      id: String(curator.user_id),
    });
    await store.repositories.participants.recordConsent(cohort.curatorId, 'test-1', clock.now());
  });

  it('is bound by the curator, keeps its invite link, greets newcomers, and gets broadcasts with a report', async () => {
    const { fake } = bed;
    await fake.addBot(GROUP, curator, { title: 'ФГ весна 2026', link: 'https://max.ru/join/fg-spring' });
    expect(fake.sentToChat(GROUP).map((m) => m.text)).toEqual([ru('group.bind_usage')]);

    await fake.groupWrite(GROUP, curator, `/bind ${cohort.code}`);
    expect(fake.sentToChat(GROUP).at(-1)?.text).toBe(ru('group.bound', { title: TITLE }));
    const bound = await store.repositories.cohorts.findById(cohort.cohortId);
    expect(bound?.groups).toMatchObject([
      { channel: 'max', chatId: `chat:${GROUP}`, title: 'ФГ весна 2026', inviteLink: 'https://max.ru/join/fg-spring' },
    ]);
    expect(fake.sentTo(curator.user_id).at(-1)?.text).toBe(
      ru('group.bound_invite', { link: 'https://max.ru/join/fg-spring' }),
    );

    await fake.join(GROUP, person(7501));
    const welcome = fake.sentToChat(GROUP).at(-1)!;
    expect(welcome.text).toBe(ru('group.welcome', { title: TITLE, code: cohort.code }));
    expect(keyboardOf(welcome)).toEqual([
      [{ type: 'link', text: ru('group.open_bot'), url: `https://max.ru/sputnik_bot?start=${cohort.code}` }],
    ]);

    // Two teachers on Max, one of whom has blocked the bot since.
    await teacherOnMax(7502, 'Иванова Мария');
    await teacherOnMax(7503, 'Кузнецова Ирина');
    fake.blocked.add(7503);

    await fake.write(curator, '/broadcast');
    expect(fake.sentTo(curator.user_id).at(-1)?.text).toBe(ru('broadcast.ask_text', { title: TITLE }));
    await fake.write(curator, 'Вебинар в четверг в 15:00');
    expect(fake.sentTo(curator.user_id).at(-1)?.text).toMatch(/^Добавить ссылку\?/);
    await fake.write(curator, 'пропустить');
    const audience = fake.sentTo(curator.user_id).at(-1)!;
    // The broadcast is the engine's flow here as on every channel: its options, less back and skip.
    const options = keyboardOf(audience)
      .flat()
      .filter((b) => !/^← |→$/.test(b.text));
    expect(options.map((b) => b.text)).toEqual([ru('broadcast.audience_groups'), ru('broadcast.audience_all')]);
    await fake.press(curator, audience.mid, ru('broadcast.audience_all'));
    const confirm = fake.sentTo(curator.user_id).at(-1)!;
    expect(
      fake
        .sentTo(curator.user_id)
        .slice(-3)
        .map((m) => m.text),
    ).toEqual([ru('broadcast.preview'), 'Вебинар в четверг в 15:00', ru('broadcast.confirm')]);
    await fake.press(curator, confirm.mid, ru('broadcast.send'));

    // Counted by hand: the group + 2 teachers = 3 recipients; the group and Мария get it, Ирина blocked the bot.
    const report = await waitFor(async () =>
      fake.sentTo(curator.user_id).find((m) => m.text.startsWith('Рассылка завершена')),
    );
    expect(report.text).toBe(
      [
        ru('broadcast.report', { sent: 2, total: 3 }),
        ru('broadcast.report_blocked', { names: 'Кузнецова Ирина' }),
      ].join('\n'),
    );
    expect(fake.sentToChat(GROUP).at(-1)?.text).toBe('Вебинар в четверг в 15:00');
    expect(fake.sentTo(7502).at(-1)?.text).toBe('Вебинар в четверг в 15:00');
    const blocked = await store.repositories.participants.findByAddress('max', String(7503));
    expect(blocked?.addresses.find((a) => a.channel === 'max')?.unreachableSince).toBeInstanceOf(Date);
  });

  it("reviews a teacher's activity on Max, and the teacher hears of it on Max", async () => {
    const teacher = await teacherOnMax(7505, 'Белова Дарья');
    await store.repositories.activities.submit({
      participantId: teacher,
      cohortId: cohort.cohortId,
      type: 'open_lesson',
      level: 'school',
      date: new Date('2026-05-10T00:00:00Z'),
      title: 'Функциональная грамотность на уроках математики',
      links: ['https://school3.example/lesson'],
      submittedAt: clock.now(),
    });
    await bed.fake.write(curator, '/review');
    const card = bed.fake.sentTo(curator.user_id).at(-1)!;
    expect(card.text).toContain('Тема: Функциональная грамотность на уроках математики');
    await bed.fake.press(curator, card.mid, 'Принять');
    expect(bed.fake.sentTo(7505).at(-1)?.text).toBe(
      'Куратор принял ваше мероприятие «Функциональная грамотность на уроках математики». Принято мероприятий: 1 из 3.',
    );
    const [activity] = await store.repositories.activities.listByCohort(cohort.cohortId);
    expect(activity?.status).toBe('accepted');
  });

  it('refuses /bind from someone who is not the curator', async () => {
    await bed.fake.addBot(GROUP, curator, { title: 'ФГ', link: null });
    await teacherOnMax(7504, 'Орлова Вера');
    await bed.fake.groupWrite(GROUP, person(7504), `/bind ${cohort.code}`);
    expect(bed.fake.sentToChat(GROUP).at(-1)?.text).toBe(ru('group.bind_not_allowed'));
    expect((await store.repositories.cohorts.findById(cohort.cohortId))?.groups).toEqual([]);
  });

  it('unbinds with /unbind (the same group command as on Telegram, engine/groups.ts), and says so when nothing is bound', async () => {
    await bed.fake.addBot(GROUP, curator, { title: 'ФГ', link: null });
    await bed.fake.groupWrite(GROUP, curator, `/bind@sputnik_bot ${cohort.code}`);
    expect(bed.fake.sentToChat(GROUP).at(-1)?.text).toBe(ru('group.bound', { title: TITLE }));
    await bed.fake.groupWrite(GROUP, curator, '/unbind');
    expect(bed.fake.sentToChat(GROUP).at(-1)?.text).toBe(ru('group.unbound', { title: TITLE }));
    expect((await store.repositories.cohorts.findById(cohort.cohortId))?.groups).toEqual([]);
    await bed.fake.groupWrite(GROUP, curator, '/unbind');
    expect(bed.fake.sentToChat(GROUP).at(-1)?.text).toBe(ru('group.not_bound'));
    await bed.fake.groupWrite(GROUP, curator, '/bind');
    expect(bed.fake.sentToChat(GROUP).at(-1)?.text).toBe(ru('group.bind_usage'));
  });

  it('binds a group without a link (a private group) and sends no link', async () => {
    await bed.fake.addBot(GROUP, curator, { title: 'ФГ', link: null });
    await bed.fake.groupWrite(GROUP, curator, `/bind ${cohort.code}`);
    expect((await store.repositories.cohorts.findById(cohort.cohortId))?.groups).toMatchObject([
      { channel: 'max', chatId: `chat:${GROUP}` },
    ]);
    expect(bed.fake.sentTo(curator.user_id)).toEqual([]);
  });
});

describe('one person on two messengers', () => {
  /** Someone the bot knows on Telegram asks for a code there. */
  async function codeFromTelegram(telegramId: number): Promise<string> {
    const out = await engine.handle({
      channel: 'telegram',
      messageId: `tg:${telegramId}:1`,
      chat: { id: String(telegramId), type: 'private' },
      from: { id: String(telegramId) },
      at: clock.now(),
      payload: { kind: 'text', text: '/link' },
    });
    const text = out.map((o) => (o.message.kind === 'text' ? o.message.text : '')).join('\n');
    const code = /\/link ([A-Z0-9]{8})/.exec(text)?.[1];
    if (!code) throw new Error(`no code in: ${text}`);
    expect(text).toBe(ru('account.link_code', { code, minutes: 15 }));
    return code;
  }

  async function telegramTeacher(): Promise<string> {
    const created = await store.repositories.participants.create({
      fullName: 'Волкова Светлана',
      addresses: [{ channel: 'telegram', id: '5550001' }],
      locale: 'ru',
    });
    if (!created.ok) throw new Error('fixture');
    await store.repositories.participants.recordConsent(created.value.id, 'test-1', clock.now());
    await store.repositories.enrollments.enroll({
      participantId: created.value.id,
      cohortId: cohort.cohortId,
      at: clock.now(),
      stages: [1, 2, 3],
    });
    return created.value.id;
  }

  it('links the Max address to the same participant by the code the bot gave on Telegram', async () => {
    const id = await telegramTeacher();
    const code = await codeFromTelegram(5550001);
    await bed.fake.write(person(7600), `/link ${code.toLowerCase().slice(0, 4)}-${code.toLowerCase().slice(4)}`);
    expect(bed.fake.sentTo(7600)[0]?.text).toBe(ru('account.linked', { channel: 'Max' }));
    const linked = await store.repositories.participants.findById(id);
    expect(linked).toMatchObject({ fullName: 'Волкова Светлана' });
    expect(linked?.addresses.map((a) => addressUrn(a.channel, a.id ?? '?'))).toEqual(['telegram:5550001', 'max:7600']);
    expect(linked?.linkCode).toBeUndefined();
    // The code is spent: nobody else can use it.
    await bed.fake.write(person(7601), `/link ${code}`);
    expect(bed.fake.sentTo(7601).map((m) => m.text)).toEqual([ru('account.link_bad_code')]);
  });

  it('never links by name, and refuses a wrong or expired code', async () => {
    await telegramTeacher();
    await bed.fake.write(person(7602), '/link');
    expect(bed.fake.sentTo(7602).map((m) => m.text)).toEqual([ru('account.link_unknown')]);
    await bed.fake.write(person(7602), '/link ZZZZZZZZ');
    expect(bed.fake.sentTo(7602).at(-1)?.text).toBe(ru('account.link_bad_code'));
    const code = await codeFromTelegram(5550001);
    clock.advance(16 * 60_000);
    await bed.fake.write(person(7602), `/link ${code}`);
    expect(bed.fake.sentTo(7602).at(-1)?.text).toBe(ru('account.link_bad_code'));
    expect(await store.repositories.participants.findByAddress('max', String(7602))).toBeUndefined();
  });

  it('does not merge two people: a Max account that is already someone refuses the code', async () => {
    await telegramTeacher();
    const other = await teacherOnMax(7603, 'Зайцева Ольга');
    const code = await codeFromTelegram(5550001);
    await bed.fake.write(person(7603), `/link ${code}`);
    expect(bed.fake.sentTo(7603).at(-1)?.text).toBe(ru('account.link_taken'));
    expect((await store.repositories.participants.findByAddress('max', String(7603)))?.id).toBe(other);
  });
});
