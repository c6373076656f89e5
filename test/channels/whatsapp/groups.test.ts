// The cohort group the bot opens: from a curator's chat command and from the CLI (an Agenda job the
// running bot carries out), with WhatsApp's failures: an error string from createGroup, and 403
// for members whose privacy settings refuse being added.
import { describe, expect, it } from 'vitest';
import { runWhatsappCommand } from '../../../src/cli/commands/whatsapp.js';
import { loadConfig } from '../../../src/config.js';
import { createScheduler } from '../../../src/scheduler/agenda.js';
import { silentLogger } from '../../support/store.js';
import { WhatsappBed } from './support/bed.js';
import { CURATOR, TUTOR, useWhatsappTestbed, whatsappTeacher, type WhatsappTestbed } from './support/testbed.js';

const tb: WhatsappTestbed = useWhatsappTestbed();
const TITLE = 'Функциональная грамотность, весна 2026';

describe('whatsapp cohort groups', () => {
  it('creates the group from a curator’s command: curator admin, description, invite link on the cohort, 403 invited privately', async () => {
    tb.bed.fake.privateMembers.add(TUTOR);
    const replies = await tb.bed.say(CURATOR, `/newgroup ${tb.cohort.code.toLowerCase()}`);
    const [group] = tb.bed.fake.groups.values();
    expect(group).toBeDefined();
    const link = `https://chat.whatsapp.com/${group!.inviteCode}`;
    expect(replies).toEqual([
      `Создаю группу курса «${TITLE}» в WhatsApp…`,
      `Группа курса «${TITLE}» создана. Ссылка-приглашение для слушателей: ${link}\n\nДобавить напрямую не удалось из-за настроек приватности, ссылка-приглашение отправлена лично: Ахметова Айгуль`,
    ]);
    expect(tb.bed.fake.calls[1]).toBe(`createGroup ${TITLE} [${CURATOR}, ${TUTOR}]`);
    expect([...group!.members]).toEqual([tb.bed.fake.own, CURATOR]);
    expect([...group!.admins]).toContain(CURATOR);
    expect(group!.description).toBe(
      `Группа курса «${TITLE}». Анкеты, напоминания об этапах сопровождения и приём ссылок на мероприятия — в личных сообщениях с ботом «Спутник». Код курса: ${tb.cohort.code}`,
    );

    const cohort = await tb.store.repositories.cohorts.findById(tb.cohort.cohortId);
    expect(cohort?.groups).toEqual([
      expect.objectContaining({
        channel: 'whatsapp',
        chatId: group!.id,
        title: TITLE,
        inviteLink: link,
        boundBy: tb.cohort.curatorId,
      }),
    ]);
    expect(tb.bed.fake.textsTo(TUTOR)).toEqual([
      `Здравствуйте! Для курса «${TITLE}» создана группа в WhatsApp. Добавить вас в неё напрямую не получилось — так настроена приватность вашего WhatsApp. Вступите, пожалуйста, по ссылке: ${link}`,
    ]);
    const pending = await tb.store.repositories.audit.list({ action: 'whatsapp.invite_pending' });
    expect(pending).toEqual([
      expect.objectContaining({
        subjectType: 'participant',
        subjectId: tb.cohort.tutorId,
        cohortId: tb.cohort.cohortId,
        details: { linkSent: true },
      }),
    ]);

    // Asked again: the same group, the missing members tried again, no second group.
    tb.bed.fake.privateMembers.delete(TUTOR);
    const again = await tb.bed.say(CURATOR, `/newgroup ${tb.cohort.code}`);
    expect(again).toEqual([`У курса «${TITLE}» уже есть группа в WhatsApp. Ссылка-приглашение: ${link}`]);
    expect(tb.bed.fake.groups.size).toBe(1);
    expect(group!.members.has(TUTOR)).toBe(true);
  });

  it('reports the error string createGroup returns and binds nothing', async () => {
    tb.bed.fake.createGroupError = 'CreateGroupError: An unknown error occupied while creating a group';
    const replies = await tb.bed.say(CURATOR, `/newgroup ${tb.cohort.code}`);
    expect(replies.at(-1)).toBe(
      `Не удалось создать группу в WhatsApp (CreateGroupError: An unknown error occupied while creating a group). Попробуйте позже или создайте группу вручную, добавьте в неё номер бота и отправьте там: /bind ${tb.cohort.code}`,
    );
    expect((await tb.store.repositories.cohorts.findById(tb.cohort.cohortId))?.groups).toEqual([]);
    expect(await tb.store.repositories.audit.list({ action: 'whatsapp.group_failed' })).toHaveLength(1);
  });

  it('records a member WhatsApp does not know and a curator without a phone, and refuses teachers', async () => {
    tb.bed.fake.unknownIds.add(TUTOR);
    const repos = tb.store.repositories;
    const second = await repos.participants.create({ fullName: 'Сидорова Анна', locale: 'ru' });
    if (!second.ok) throw new Error('fixture');
    const c = (await repos.cohorts.findById(tb.cohort.cohortId))!;
    await repos.cohorts.upsertByCode({ ...c, curatorIds: [...c.curatorIds, second.value.id] });
    const result = await tb.bed.channel.createGroup(tb.cohort.code);
    expect(result).toMatchObject({
      kind: 'created',
      notAdded: [expect.objectContaining({ id: tb.cohort.tutorId })],
      noPhone: [expect.objectContaining({ id: second.value.id })],
    });

    const { id: teacher } = await whatsappTeacher(tb, '77011110010');
    expect(await tb.bed.say(teacher, `/newgroup ${tb.cohort.code}`)).toEqual([
      'Создать группу курса может только его куратор или сотрудник центра.',
    ]);
    expect(await tb.bed.say(teacher, '/newgroup')).toEqual([
      'Чтобы создать группу курса в WhatsApp, отправьте: /newgroup КОД_КУРСА',
    ]);
    expect(tb.bed.fake.groups.size).toBe(1);
  });

  it('is asked for from the CLI and carried out by the running bot through an Agenda job', async () => {
    const db = tb.store.connection.db!;
    const scheduler = createScheduler({ db, logger: silentLogger, processEveryMs: 50 });
    await scheduler.start();
    // As in the app: the scheduler runs first, the WhatsApp channel defines its job afterwards.
    const bot = new WhatsappBed(tb.store, tb.engine, { agenda: scheduler.agenda });
    await bot.connect();
    try {
      const out: string[] = [];
      const err: string[] = [];
      const io = { out: (text: string) => void out.push(text), err: (text: string) => void err.push(text) };
      const code = await runWhatsappCommand(['create-group', '--cohort', tb.cohort.code, '--wait', '20'], io, {
        config: loadConfig({ WHATSAPP_ENABLED: 'true' }),
        store: tb.store,
        pollMs: 50,
      });
      expect(err).toEqual([]);
      expect(code).toBe(0);
      const [group] = bot.fake.groups.values();
      expect(out.join('')).toBe(
        `Запрос передан боту: создать группу WhatsApp для потока ${tb.cohort.code} «${TITLE}».\nГруппа создана. Ссылка-приглашение: https://chat.whatsapp.com/${group!.inviteCode}\n`,
      );
      const again: string[] = [];
      expect(
        await runWhatsappCommand(
          ['create-group', '--cohort', tb.cohort.code],
          { out: (t) => void again.push(t), err: (t) => void again.push(t) },
          { config: loadConfig({}), store: tb.store },
        ),
      ).toBe(0);
      expect(again.join('')).toBe(
        `У потока ${tb.cohort.code} уже есть группа в WhatsApp. Ссылка-приглашение: https://chat.whatsapp.com/${group!.inviteCode}\n`,
      );
    } finally {
      await bot.channel.stop();
      await scheduler.stop();
    }
  });

  it('tells staff when the bot does not answer, and checks its arguments', async () => {
    const lines: string[] = [];
    const io = { out: (t: string) => void lines.push(t), err: (t: string) => void lines.push(t) };
    const config = loadConfig({});
    expect(
      await runWhatsappCommand(['create-group', '--cohort', tb.cohort.code, '--wait', '0.2'], io, {
        config,
        store: tb.store,
        pollMs: 50,
      }),
    ).toBe(0);
    expect(lines.join('')).toMatch(/WHATSAPP_ENABLED=false[\s\S]*Запрос передан боту[\s\S]*Бот пока не ответил/);
    expect(await runWhatsappCommand(['create-group', '--cohort', 'NOPE-1'], io, { config, store: tb.store })).toBe(1);
    expect(lines.at(-1)).toBe('Поток с кодом NOPE-1 не найден.\n');
    expect(await runWhatsappCommand(['create-group'], io, { config, store: tb.store })).toBe(2);
  });
});
