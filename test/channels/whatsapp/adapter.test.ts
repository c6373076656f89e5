// The WhatsApp adapter at its edge: messages and joins from the fake port in, texts out, paced.
import { describe, expect, it } from 'vitest';
import { CURATOR, useWhatsappTestbed, whatsappTeacher, type WhatsappTestbed } from './support/testbed.js';

const tb: WhatsappTestbed = useWhatsappTestbed();

async function startCheck(participantId: string, occasion: string): Promise<void> {
  const data = {
    questionnaireId: 'engine-check',
    occasion,
    cohortId: tb.cohort.cohortId,
    cohortTitle: 'Весна',
    timeZone: 'Europe/Moscow',
  };
  const { status, out } = await tb.engine.trigger(participantId, 'surveys', data, 'Новая анкета ждёт вас');
  expect(status).toBe('started');
  await tb.bed.dispatcher.dispatch(out);
  await tb.bed.settle();
}

describe('whatsapp adapter: private chats', () => {
  it('onboards a newcomer who sends the course code, with numbered options', async () => {
    const newcomer = '77011234567@c.us';
    const first = await tb.bed.say(newcomer, tb.cohort.code);
    expect(first).toEqual([
      expect.stringMatching(/^Вы присоединяетесь к курсу «Функциональная грамотность, весна 2026»/),
      'На каком языке вам удобнее общаться?\n\nОтветьте цифрой:\n1 — Русский\n2 — Қазақша\n3 — English',
    ]);
    const consent = await tb.bed.say(newcomer, '1');
    expect(consent.at(-1)).toMatch(
      /Вы согласны\?\n\nОтветьте цифрой:\n1 — Да\n2 — Нет\n\nНапишите «назад», чтобы вернуться к предыдущему вопросу\.$/,
    );
    expect(await tb.bed.say(newcomer, 'Да')).toEqual([
      'Как вас зовут? Напишите фамилию, имя и отчество.\n\nНапишите «назад», чтобы вернуться к предыдущему вопросу.',
    ]);
    const person = await tb.store.repositories.participants.findByAddress('whatsapp', newcomer);
    expect(person).toMatchObject({ phone: '+77011234567', consent: { given: true } });
  });

  it.each([['1, 2'], ['1 2'], ['1;2'], ['Групповая работа, Проекты'], ['групповая работа; проекты']])(
    'reads a multiple-choice answer typed as "%s"',
    async (typed) => {
      const { id, participant } = await whatsappTeacher(tb, '77011110001');
      await startCheck(participant.id, 'forms');
      expect(tb.bed.fake.textsTo(id).at(-1)).toMatch(
        /Применяли ли вы материалы курса на уроках\?\n\nОтветьте цифрой:\n1 — Да\n2 — Нет$/,
      );
      await tb.bed.say(id, 'да');
      const formats = await tb.bed.say(id, '3');
      expect(formats).toEqual([
        'Вопрос 4 из 5\nКакие форматы вы использовали?\n\nМожно выбрать до 3 — цифры через запятую, например: 1, 3\n1 — Групповая работа\n2 — Проекты\n3 — Цифровые сервисы\n4 — Другое\n\nНапишите «назад», чтобы вернуться к предыдущему вопросу.',
      ]);
      expect((await tb.bed.say(id, typed)).at(-1)).toMatch(/^Вопрос 5 из 5\nКомментарий \(необязательно\)/);
      const summary = await tb.bed.say(id, 'пропустить');
      expect(summary.join('\n')).toContain('3. Какие форматы вы использовали?\n— Групповая работа; Проекты');
      await tb.bed.say(id, '1');
      const response = await tb.store.repositories.responses.find({
        participantId: participant.id,
        cohortId: tb.cohort.cohortId,
        questionnaireId: 'engine-check',
        occasion: 'forms',
      });
      expect(response?.status).toBe('completed');
      expect(response?.answers.find((a) => a.questionId === 'formats')?.value).toEqual(['group', 'project']);
    },
  );

  it('answers media with a hint and the question again, and a number out of range with the range', async () => {
    const { id } = await whatsappTeacher(tb, '77011110002');
    await tb.bed.say(id, '/activity');
    const photo = await tb.bed.say(id, '', { type: 'image' });
    expect(photo[0]).toBe('Я понимаю только текст и кнопки. Ответьте, пожалуйста, текстом.');
    expect(photo[1]).toMatch(/^Какое мероприятие вы провели\?\n\nОтветьте цифрой:\n1 — Открытый урок \(занятие\)/);
    expect((await tb.bed.say(id, '12'))[0]).toBe('Такого номера нет. Пришлите номер от 1 до 10.');
    expect((await tb.bed.say(id, '3'))[0]).toMatch(/^Какого уровня было мероприятие\?/);
  });

  it('handles a message delivered twice once', async () => {
    const { id } = await whatsappTeacher(tb, '77011110003');
    const message = {
      id: 'false_77011110003@c.us_DUP1',
      chatId: id,
      authorId: id,
      body: '/progress',
      type: 'chat',
      timestamp: 1_780_000_000,
    };
    await tb.bed.channel.idle();
    const before = tb.bed.fake.sent.length;
    const listeners = tb.bed.fake as unknown as { emit(event: 'message', m: typeof message): Promise<void> };
    // WhatsApp Web re-emits messages after a reconnect: the engine's claim on the id drops the copy.
    await listeners.emit('message', message);
    await tb.bed.settle();
    const once = tb.bed.fake.sent.length;
    expect(once).toBeGreaterThan(before);
    await listeners.emit('message', message);
    await tb.bed.settle();
    expect(tb.bed.fake.sent.length).toBe(once);
  });
});

describe('whatsapp adapter: groups', () => {
  const chat = { id: '120363999000111@g.us', title: 'ФГ весна 2026' };

  async function botInGroup(): Promise<void> {
    tb.bed.fake.groups.set(chat.id, {
      id: chat.id,
      title: chat.title,
      members: new Set([tb.bed.fake.own]),
      admins: new Set([tb.bed.fake.own]),
      inviteCode: 'GrpCode42',
    });
  }

  it('binds a group for its curator only, stores the invite link, and ignores chatter', async () => {
    await botInGroup();
    const { id: teacher } = await whatsappTeacher(tb, '77011110004');
    await tb.bed.fake.receive(teacher, `/bind ${tb.cohort.code}`, { groupId: chat.id, groupTitle: chat.title });
    await tb.bed.settle();
    expect(tb.bed.fake.textsTo(chat.id)).toEqual([
      'Привязать группу к курсу может только его куратор или сотрудник центра.',
    ]);

    await tb.bed.fake.receive(CURATOR, `/bind ${tb.cohort.code}`, { groupId: chat.id, groupTitle: chat.title });
    await tb.bed.settle();
    expect(tb.bed.fake.textsTo(chat.id).at(-1)).toMatch(
      /^Группа привязана к курсу «Функциональная грамотность, весна 2026»/,
    );
    const bound = await tb.store.repositories.cohorts.findByGroup('whatsapp', chat.id);
    expect(bound?.groups[0]).toMatchObject({
      channel: 'whatsapp',
      chatId: chat.id,
      title: chat.title,
      inviteLink: 'https://chat.whatsapp.com/GrpCode42',
    });

    const before = tb.bed.fake.sent.length;
    await tb.bed.fake.receive(teacher, 'Коллеги, добрый день!', { groupId: chat.id });
    await tb.bed.fake.receive(teacher, '2', { groupId: chat.id });
    await tb.bed.settle();
    expect(tb.bed.fake.sent.length).toBe(before);
  });

  it('welcomes newcomers in the group once and invites each privately to send the code', async () => {
    await botInGroup();
    await tb.store.repositories.cohorts.bindGroup(tb.cohort.cohortId, {
      channel: 'whatsapp',
      chatId: chat.id,
      boundAt: new Date(),
    });
    const newcomer = '77019990001@c.us';
    await tb.bed.fake.join(chat.id, [newcomer]);
    await tb.bed.settle();
    expect(tb.bed.fake.textsTo(chat.id)).toEqual([
      `Добро пожаловать в группу курса «Функциональная грамотность, весна 2026»! Чтобы получать анкеты и отправлять ссылки на мероприятия, напишите боту в личные сообщения код курса: ${tb.cohort.code}\n\nНаписать боту: https://wa.me/77015550000?text=${tb.cohort.code}`,
    ]);
    expect(tb.bed.fake.textsTo(newcomer)).toEqual([
      `Здравствуйте! Вы вступили в группу курса «Функциональная грамотность, весна 2026». Я «Спутник», помощник посткурсового сопровождения: присылаю анкеты и принимаю ссылки на проведённые вами мероприятия.\n\nЧтобы начать, пришлите мне в ответ код курса: ${tb.cohort.code}`,
    ]);
    expect((await tb.bed.say(newcomer, tb.cohort.code))[0]).toMatch(/^Вы присоединяетесь к курсу/);

    // Minutes later more people come by the link: no second welcome in the group, each still invited.
    const imported = await tb.store.repositories.participants.create({
      fullName: 'Касымова Алия',
      phone: '+77019990002',
      locale: 'kk',
    });
    if (!imported.ok) throw new Error('fixture');
    await tb.store.repositories.enrollments.enroll({
      participantId: imported.value.id,
      cohortId: tb.cohort.cohortId,
      at: new Date(),
      stages: [1, 2, 3],
    });
    await tb.bed.fake.join(chat.id, ['77019990002@c.us', '77019990003@c.us', CURATOR]);
    await tb.bed.settle();
    expect(tb.bed.fake.textsTo(chat.id)).toHaveLength(1);
    expect(tb.bed.fake.textsTo('77019990002@c.us')).toEqual([
      expect.stringMatching(/Сіз курс тыңдаушыларының тізімінде барсыз — бастау үшін «мәзір» деп жазыңыз\.$/),
    ]);
    expect(tb.bed.fake.textsTo('77019990003@c.us')).toEqual([
      expect.stringMatching(/пришлите мне в ответ код курса: FG72-SPRING$/),
    ]);
    expect(tb.bed.fake.textsTo(CURATOR)).toEqual([]);
  });

  it('says nothing when the bot itself is added to a group, or in a group of no cohort', async () => {
    await botInGroup();
    await tb.bed.fake.join(chat.id, [tb.bed.fake.own]);
    await tb.bed.fake.join(chat.id, ['77019990009@c.us']);
    await tb.bed.settle();
    expect(tb.bed.fake.sent).toEqual([]);
  });
});
