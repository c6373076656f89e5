// A cohort's whole post-course year in fast time, over the embedded store, with an injected clock.
import { DateTime } from 'luxon';
import { idOn } from '../../src/domain/participant.js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { COHORT_JOB } from '../../src/scheduler/post-course.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { Clock } from '../support/engine-harness.js';
import { openTestStore } from '../support/store.js';
import { Rig, setCourseEnd } from './rig.js';

// A whole year through the engine (each completion re-evaluates stages) takes ~20 s on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

const MOSCOW = 'Europe/Moscow';
let store: Store;
let rig: Rig;
let cohort: CohortFixture;

beforeEach(async () => {
  store = await openTestStore();
  // The course ends on Friday 20 March 2026; the year runs to 20 March 2027.
  cohort = await seedCohort(store, { courseEnd: startOfLocalDay('2026-03-20', MOSCOW).toISOString() });
  rig = new Rig(store, new Clock(new Date('2026-03-20T12:00:00Z')));
});
afterEach(async () => {
  await store.close();
});

const local = (at: Date, zone = MOSCOW) => DateTime.fromJSDate(at, { zone });

async function sentLog(kind?: string) {
  const all = await store.repositories.scheduledSends.listByCohort(cohort.cohortId);
  return kind ? all.filter((s) => s.kind === kind) : all;
}

describe('the post-course year in fast time', () => {
  it('runs a whole year: stages, invitations, reminders until an answer, the curators, month 9, the close', async () => {
    const runner = rig.postCourse();
    const anna = await rig.teacher(cohort.cohortId, 'Алексеева Анна Сергеевна');
    const boris = await rig.teacher(cohort.cohortId, 'Борисов Борис Борисович', { locale: 'kk' });
    const vera = await rig.teacher(cohort.cohortId, 'Власова Вера Викторовна');
    const galina = await rig.teacher(cohort.cohortId, 'Гусева Галина Геннадьевна', { optedOut: true });
    const olga = await rig.connect(cohort.curatorId);
    // Vera has three accepted activities; Anna and Boris have none.
    for (let i = 0; i < 3; i++) {
      const a = await store.repositories.activities.submit({
        participantId: vera.id,
        cohortId: cohort.cohortId,
        type: 'webinar',
        level: 'school',
        date: new Date('2026-05-10T08:00:00Z'),
        title: `Вебинар ${i + 1}`,
        links: ['https://example.org/v'],
        submittedAt: new Date('2026-05-10T08:00:00Z'),
      });
      await store.repositories.activities.review(a.id, {
        reviewerId: cohort.curatorId,
        decision: 'accepted',
        at: new Date('2026-05-11T08:00:00Z'),
      });
    }

    // Anna answers every questionnaire the day she is invited; Boris after the first reminder; Vera never.
    const seen = new Set<string>();
    const runs = await rig.runUntil(runner, [cohort.cohortId], new Date('2027-06-30T00:00:00Z'), async () => {
      for (const s of await sentLog()) {
        if (seen.has(s.key) || s.status !== 'sent') continue;
        seen.add(s.key);
        if (s.kind === 'invite' && s.recipientId === anna.id) await rig.answer(anna.id, cohort.cohortId, s.occasion);
        if (s.kind === 'reminder' && s.recipientId === boris.id && s.occasion.endsWith('#1'))
          await rig.answer(boris.id, cohort.cohortId, s.occasion.split('#')[0]!);
      }
    });
    expect(runs).toBeLessThan(80);

    // Every message went out Monday to Friday between 09:00 and 20:00 Moscow time.
    expect(rig.sent.length).toBeGreaterThan(50);
    for (const m of rig.sent) {
      const at = local(m.at);
      expect(at.weekday).toBeLessThanOrEqual(5);
      expect(at.hour).toBeGreaterThanOrEqual(9);
      expect(at.hour).toBeLessThan(20);
    }

    // Stage prompts: 21 March is a Saturday, so Monday the 23rd; +1m is Monday 20 April; +10m Wednesday 20 January.
    const stages = (await sentLog('stage'))
      .filter((s) => s.recipientId === anna.id)
      .map((s) => `${s.occasion} ${local(s.sentAt!).toFormat('yyyy-MM-dd HH:mm')}`);
    expect(stages.sort()).toEqual(['stage-1 2026-03-23 09:00', 'stage-2 2026-04-20 09:00', 'stage-3 2027-01-20 09:00']);
    expect(rig.inbox(anna, MOSCOW)[0]).toMatch(
      /^2026-03-23 09:00 Mon Курс «Функциональная грамотность, весна 2026»: начинается этап 1/,
    );
    expect(rig.inbox(boris, MOSCOW)[0]).toMatch(/курсы: курстан кейінгі сүйемелдеудің 1-кезеңі басталады/);

    // Reminders: none for Anna, one per questionnaire for Boris, two for Vera; Galina (/stop) gets nothing at all.
    const reminders = await sentLog('reminder');
    expect(reminders.filter((s) => s.recipientId === anna.id)).toEqual([]);
    expect(
      reminders
        .filter((s) => s.recipientId === boris.id)
        .map((s) => s.occasion)
        .sort(),
    ).toEqual([
      'difficulties-2m#1',
      'entry#1',
      'exit#1',
      'impact-11m#1',
      'impact-6m#1',
      'stage-1#1',
      'stage-2#1',
      'stage-3#1',
    ]);
    expect(reminders.filter((s) => s.recipientId === vera.id)).toHaveLength(16);
    const exitReminders = reminders
      .filter((s) => s.recipientId === vera.id && s.occasion.startsWith('exit#'))
      .map((s) => local(s.sentAt!).toFormat('yyyy-MM-dd HH:mm'));
    // Invited Monday 23 March; +3 days is Thursday 26th; +3 more is Sunday 29th, so Monday 30th.
    expect(exitReminders.sort()).toEqual(['2026-03-26 09:00', '2026-03-30 09:00']);
    expect(rig.inbox(galina, MOSCOW)).toEqual([]);

    // The curator hears about Vera for each questionnaire, never about Anna, Boris or Galina.
    const digests = rig.inbox(olga, MOSCOW).filter((m) => m.includes('не заполнил'));
    expect(digests).toHaveLength(8);
    for (const d of digests) {
      expect(d).toContain('• Власова Вера Викторовна');
      expect(d).not.toMatch(/Алексеева|Борисов|Гусева/);
    }
    expect(digests[0]).toMatch(
      /^2026-04-02 09:00 Thu Курс «Функциональная грамотность, весна 2026»: анкету «Итоговая анкета по курсу» не заполнил 1 педагог/,
    );

    // Month 9 (Sunday 20 December, so Monday 21st): Anna and Boris, not Vera with her three activities.
    const nudges = await sentLog('activity-nudge');
    expect(nudges.map((s) => s.recipientId).sort()).toEqual([anna.id, boris.id].sort());
    expect(nudges.map((s) => local(s.sentAt!).toFormat('yyyy-MM-dd HH:mm'))).toEqual([
      '2026-12-21 09:00',
      '2026-12-21 09:00',
    ]);

    // The curator's half-year reminders, whatever the teachers' /stop.
    expect(
      rig
        .inbox(olga, MOSCOW)
        .filter((m) => m.includes('сводный отчёт'))
        .map((m) => m.slice(0, 20)),
    ).toEqual(['2026-05-27 09:00 Wed', '2026-09-25 09:00 Fri', '2027-05-27 09:00 Thu']);

    // The close (Saturday 20 March 2027, so Monday 22nd) to the three; the final survey only to Vera.
    expect((await sentLog('closing')).map((s) => s.recipientId).sort()).toEqual([anna.id, boris.id, vera.id].sort());
    expect((await sentLog('final-survey')).map((s) => s.recipientId)).toEqual([vera.id]);
    expect(rig.inbox(vera, MOSCOW).find((m) => m.includes('посткурсовой год завершён'))).toMatch(
      /^2027-03-22 09:00 Mon .*Принято мероприятий: 3 из 3\.\nЦель года выполнена/s,
    );

    // Nothing is left to send, and running again sends nothing.
    const before = rig.sent.length;
    const again = await runner.runCohort(cohort.cohortId);
    expect(again).toEqual({ attempted: 0, sent: 0, skipped: 0 });
    expect(rig.sent.length).toBe(before);
  }, 60_000);

  it('stops reminding the moment the teacher answers', async () => {
    const runner = rig.postCourse();
    const t = await rig.teacher(cohort.cohortId, 'Дмитриева Дарья');
    const courseSurveys = async () =>
      (await sentLog('reminder'))
        .map((s) => s.occasion)
        .filter((o) => /^(exit|entry)#/.test(o))
        .sort();
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-03-26T12:00:00Z'));
    expect(await courseSurveys()).toEqual(['entry#1', 'exit#1']);
    await rig.answer(t.id, cohort.cohortId, 'exit');
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-04-10T12:00:00Z'));
    expect(await courseSurveys()).toEqual(['entry#1', 'entry#2', 'exit#1']);
    expect(
      rig.inbox(t, MOSCOW).filter((m) => m.includes('Напоминаю об анкете «Итоговая анкета по курсу»')),
    ).toHaveLength(1);
  });

  it('reschedules when the course dates change: what was sent is not sent again, the rest moves', async () => {
    const runner = rig.postCourse();
    const t = await rig.teacher(cohort.cohortId, 'Ежова Елена');
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-03-24T00:00:00Z'));
    expect((await runner.cohortChanged(cohort.cohortId))?.toISOString()).toBe('2026-03-26T06:00:00.000Z');

    // The course is extended by a month: it now ends on Monday 20 April.
    const current = (await store.repositories.cohorts.findById(cohort.cohortId))!;
    await setCourseEnd(store, current, startOfLocalDay('2026-04-20', MOSCOW));
    const next = await runner.cohortChanged(cohort.cohortId);
    // The reminders still count from the invitations already sent; stage 2 moves from 20 April to 20 May.
    expect(next?.toISOString()).toBe('2026-03-26T06:00:00.000Z');
    const [job] = (await rig.scheduler.agenda.queryJobs({ name: COHORT_JOB, data: { cohortId: cohort.cohortId } }))
      .jobs;
    expect(job?.nextRunAt?.toISOString()).toBe('2026-03-26T06:00:00.000Z');

    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-05-25T00:00:00Z'));
    const stages = (await sentLog('stage'))
      .map((s) => `${s.occasion} ${local(s.sentAt!).toFormat('yyyy-MM-dd HH:mm')}`)
      .sort();
    expect(stages).toEqual(['stage-1 2026-03-23 09:00', 'stage-2 2026-05-20 09:00']);
    expect(rig.inbox(t, MOSCOW).filter((m) => m.includes('начинается этап'))).toHaveLength(2);
  });

  it('sends each message once when the job is duplicated or a second instance runs it at the same time', async () => {
    const first = rig.postCourse();
    const second = rig.postCourse();
    const teachers = [];
    for (const name of ['Жукова Жанна', 'Зайцева Зоя', 'Ильина Ирина'])
      teachers.push(await rig.teacher(cohort.cohortId, name));
    rig.clock.set('2026-03-23T06:00:00Z');
    const results = await Promise.all([
      first.runCohort(cohort.cohortId),
      second.runCohort(cohort.cohortId),
      first.runCohort(cohort.cohortId),
    ]);
    expect(results.reduce((n, r) => n + r.attempted, 0)).toBe(9);
    // A run that plans after another has recorded its sends does not even see them, so under load fewer
    // than 2 × 9 are skipped; what matters is that none is sent twice.
    expect(results.reduce((n, r) => n + r.skipped, 0)).toBeLessThanOrEqual(18);
    expect((await sentLog()).map((s) => s.status)).toEqual(Array(9).fill('sent'));
    // Each teacher got the stage 1 prompt once, and each of the two invitations once.
    for (const t of teachers) {
      const inbox = rig.inbox(t, MOSCOW);
      expect(inbox.filter((m) => m.includes('начинается этап 1'))).toHaveLength(1);
      expect(inbox.filter((m) => m.includes('«Итоговая анкета по курсу»') && m.includes('Курс «'))).toHaveLength(1);
      expect(inbox.filter((m) => m.includes('«Входная анкета: самооценка профессиональных компетенций»'))).toHaveLength(
        1,
      );
    }
    // A rerun after they finished finds nothing to do.
    expect((await second.runCohort(cohort.cohortId)).attempted).toBe(0);
  });

  it('never sends twice after a crash mid-send, and reports the unconfirmed send', async () => {
    const t1 = await rig.teacher(cohort.cohortId, 'Ковалёва Ксения');
    const t2 = await rig.teacher(cohort.cohortId, 'Лебедева Лидия');
    rig.clock.set('2026-03-23T06:00:00Z');
    // The first process hangs on its first send to Ксения, as if it died there with the key taken.
    let release!: () => void;
    let hung!: () => void;
    const hanging = new Promise<void>((resolve) => (hung = resolve));
    rig.reply = async (chatId) => {
      if (chatId === idOn(t1, 'telegram')) {
        rig.reply = async () => ({ ok: true });
        hung();
        await new Promise<void>((resolve) => (release = resolve));
      }
      return { ok: true };
    };
    const crashed = rig.postCourse().runCohort(cohort.cohortId);
    await hanging;
    // After the lock lifetime another process takes the job over.
    rig.clock.advance(11 * 60_000);
    const resumed = rig.postCourse();
    await resumed.runCohort(cohort.cohortId);
    const stagePrompts = (t: typeof t1) => rig.inbox(t, MOSCOW).filter((m) => m.includes('начинается этап 1'));
    // Лидия got everything (stage prompt, exit invitation with its first question, entry notice); Ксения all but the hung prompt.
    expect(rig.inbox(t2, MOSCOW)).toHaveLength(5);
    expect(rig.inbox(t1, MOSCOW)).toHaveLength(4);
    expect(stagePrompts(t1)).toHaveLength(0);
    expect((await resumed.health()).unconfirmedSends).toBe(1);
    expect((await sentLog()).filter((s) => s.status === 'sending').map((s) => s.key)).toEqual([
      `${cohort.cohortId}|stage|stage-1|${t1.id}`,
    ]);
    // The first process wakes up and finishes: its remaining sends were taken, nothing repeats.
    release();
    await crashed;
    expect(rig.inbox(t2, MOSCOW)).toHaveLength(5);
    expect(rig.inbox(t1, MOSCOW)).toHaveLength(5);
    expect(stagePrompts(t1)).toHaveLength(1);
    // Later runs never retry the unconfirmed key.
    expect((await resumed.runCohort(cohort.cohortId)).attempted).toBe(0);
  });

  it('retries a send that failed for a retryable reason, never one to a person who blocked the bot', async () => {
    const runner = rig.postCourse();
    const flaky = await rig.teacher(cohort.cohortId, 'Петрова Полина');
    const blocked = await rig.teacher(cohort.cohortId, 'Рыбакова Римма');
    rig.clock.set('2026-03-23T06:00:00Z');
    let failOnce = true;
    rig.reply = async (chatId) => {
      if (chatId === idOn(flaky, 'telegram') && failOnce) {
        failOnce = false;
        return { ok: false, kind: 'failed', detail: 'Too Many Requests', retryable: true };
      }
      if (chatId === idOn(blocked, 'telegram'))
        return { ok: false, kind: 'blocked', detail: 'Forbidden: bot was blocked by the user', retryable: false };
      return { ok: true };
    };
    const first = await runner.runCohort(cohort.cohortId);
    // The failed prompt comes back a quarter of an hour later.
    expect(first.next?.toISOString()).toBe('2026-03-23T06:15:00.000Z');
    const stageKey = (p: typeof flaky) => `${cohort.cohortId}|stage|stage-1|${p.id}`;
    const byKey = async () => new Map((await sentLog()).map((s) => [s.key, s]));
    expect((await byKey()).get(stageKey(flaky))).toMatchObject({ status: 'failed', attempts: 1 });
    expect((await byKey()).get(stageKey(blocked))).toMatchObject({ status: 'undeliverable' });

    rig.clock.set(first.next!);
    const second = await runner.runCohort(cohort.cohortId);
    expect(second).toMatchObject({ attempted: 1, sent: 1 });
    expect((await byKey()).get(stageKey(flaky))).toMatchObject({ status: 'sent', attempts: 2 });
    const prompts = rig.inbox(flaky, MOSCOW).filter((m) => m.includes('начинается этап 1'));
    expect(prompts).toHaveLength(1);
    expect(prompts[0]).toMatch(/^2026-03-23 09:15 Mon/);
    // The blocked teacher is marked unreachable and planned for no more.
    expect(rig.inbox(blocked, MOSCOW)).toEqual([]);
    expect(
      (await runner.preview(cohort.cohortId, rig.clock.now(), new Date('2027-06-01T00:00:00Z')))!.items.filter(
        (i) => i.recipientId === blocked.id,
      ),
    ).toEqual([]);
  });

  it('stops a long fan-out between chunks on shutdown and comes back for the rest', async () => {
    const runner = rig.postCourse({ chunkSize: 2 });
    for (const name of ['Семёнова Серафима', 'Титова Тамара', 'Усова Ульяна']) await rig.teacher(cohort.cohortId, name);
    rig.clock.set('2026-03-23T06:00:00Z');
    let stopping: Promise<void> | undefined;
    rig.reply = async () => {
      stopping ??= runner.stop();
      return { ok: true };
    };
    const result = await runner.runCohort(cohort.cohortId);
    await stopping;
    expect(result).toMatchObject({ attempted: 2, next: new Date('2026-03-23T06:00:00Z') });
    // After a restart the rest goes, and only the rest.
    rig.reply = async () => ({ ok: true });
    expect(await rig.postCourse().runCohort(cohort.cohortId)).toMatchObject({ attempted: 7, skipped: 0 });
  });

  it('sends nothing for a finished cohort and cancels its job', async () => {
    const runner = rig.postCourse();
    await rig.teacher(cohort.cohortId, 'Миронова Марина');
    expect(await runner.cohortChanged(cohort.cohortId)).toBeInstanceOf(Date);
    expect((await rig.scheduler.agenda.queryJobs({ name: COHORT_JOB })).jobs).toHaveLength(1);
    await store.repositories.cohorts.setStatus(cohort.cohortId, 'finished');
    expect(await runner.cohortChanged(cohort.cohortId)).toBeUndefined();
    expect((await rig.scheduler.agenda.queryJobs({ name: COHORT_JOB })).jobs).toHaveLength(0);
    rig.clock.set('2026-03-23T06:00:00Z');
    expect(await runner.runCohort(cohort.cohortId)).toEqual({ attempted: 0, sent: 0, skipped: 0 });
    expect(rig.sent).toEqual([]);
  });

  it('runs a cohort in Asia/Almaty and one in Europe/Moscow each on its own local 09:00', async () => {
    const almaty = await seedCohort(store, {
      code: 'FG72-ALMATY',
      timeZone: 'Asia/Almaty',
      locale: 'kk',
      courseEnd: startOfLocalDay('2026-03-20', 'Asia/Almaty').toISOString(),
      curatorUsername: 'almaty_curator',
      tutorUsername: 'almaty_tutor',
    });
    const runner = rig.postCourse();
    const aigerim = await rig.teacher(almaty.cohortId, 'Айгерим Нурланқызы', { locale: 'kk' });
    const maria = await rig.teacher(cohort.cohortId, 'Морозова Мария');
    await rig.runUntil(runner, [almaty.cohortId, cohort.cohortId], new Date('2026-04-21T00:00:00Z'));
    const stageTimes = (p: typeof maria, zone: string) =>
      rig.sent
        .filter((m) => m.chatId === idOn(p, 'telegram') && /начинается этап|басталады/.test(m.text))
        .map((m) => `${m.at.toISOString()} ${local(m.at, zone).toFormat('HH:mm')}`);
    expect(stageTimes(aigerim, 'Asia/Almaty')).toEqual([
      '2026-03-23T04:00:00.000Z 09:00',
      '2026-04-20T04:00:00.000Z 09:00',
    ]);
    expect(stageTimes(maria, MOSCOW)).toEqual(['2026-03-23T06:00:00.000Z 09:00', '2026-04-20T06:00:00.000Z 09:00']);
  });

  it("uses a cohort's own sending window", async () => {
    await store.repositories.cohorts.upsertByCode({
      ...(await store.repositories.cohorts.findById(cohort.cohortId))!,
      sendingWindow: { from: '10:30', to: '12:00', weekdays: [6] },
    });
    const runner = rig.postCourse();
    const t = await rig.teacher(cohort.cohortId, 'Назарова Нина');
    await rig.runUntil(runner, [cohort.cohortId], new Date('2026-03-22T00:00:00Z'));
    // Saturday 21 March is the first day of the year and a window day: 10:30 Moscow.
    expect(rig.inbox(t, MOSCOW)[0]).toMatch(/^2026-03-21 10:30 Sat/);
  });

  it('reports its queue in health: a cohort job overdue and not picked up', async () => {
    const runner = rig.postCourse();
    await rig.teacher(cohort.cohortId, 'Орлова Ольга');
    await runner.cohortChanged(cohort.cohortId);
    expect(await runner.health()).toEqual({ queueDepth: 0, oldestOverdue: null, running: 0, unconfirmedSends: 0 });
    rig.clock.set('2026-03-23T08:00:00Z');
    expect(await runner.health()).toEqual({
      queueDepth: 1,
      oldestOverdue: new Date('2026-03-23T06:00:00Z'),
      running: 0,
      unconfirmedSends: 0,
    });
  });
});
