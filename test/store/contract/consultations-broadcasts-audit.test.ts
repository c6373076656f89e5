import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOn } from '../../../src/domain/participant.js';
import { Types } from 'mongoose';
import type { Store } from '../../../src/store/index.js';
import { migrateBroadcastDeliveries } from '../../../src/store/repositories/broadcasts.js';
import { aCohort, aParticipant } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

describe('consultation requests', () => {
  it('opens, routes to the tutor, carries messages and closes', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const teacher = await aParticipant(repos);
    const tutor = await aParticipant(repos);
    const request = await repos.consultations.open({
      participantId: teacher.id,
      cohortId: cohort.id,
      assigneeId: tutor.id,
      topic: 'Формирующее оценивание',
      description: 'Как составить критерии для 5 класса?',
      openedAt: new Date('2026-04-01T08:00:00Z'),
    });
    expect(request.status).toBe('open');
    expect((await repos.consultations.listByAssignee(tutor.id, ['open'])).map((r) => r.id)).toEqual([request.id]);
    await repos.consultations.addMessage(request.id, {
      authorId: tutor.id,
      fromTeacher: false,
      text: 'Посмотрите шаблон во вложении',
      at: new Date(),
    });
    await repos.consultations.setStatus(request.id, 'answered', new Date());
    const closedAt = new Date('2026-04-03T12:00:00Z');
    const closed = await repos.consultations.setStatus(request.id, 'closed', closedAt);
    expect(closed).toMatchObject({
      status: 'closed',
      closedAt,
      messages: [{ authorId: tutor.id, fromTeacher: false }],
    });
    expect(await repos.consultations.listByAssignee(tutor.id, ['open', 'answered'])).toEqual([]);
    expect(await repos.consultations.listByCohort(cohort.id, ['closed'])).toHaveLength(1);
    expect(await repos.consultations.listByParticipant(teacher.id)).toHaveLength(1);
  });
});

describe('broadcasts', () => {
  it('records an outcome per recipient and starts sending only once', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const curator = await aParticipant(repos);
    const teacher = await aParticipant(repos);
    const draft = await repos.broadcasts.create({
      cohortId: cohort.id,
      authorId: curator.id,
      text: 'Вебинар в четверг в 15:00',
      link: 'https://example.org/webinar',
      toGroups: true,
      toParticipants: true,
    });
    expect(draft.status).toBe('draft');
    const recipients = [
      { channel: 'telegram' as const, chatId: '-100200' },
      { channel: 'telegram' as const, chatId: idOn(teacher, 'telegram')!, participantId: teacher.id },
    ];
    const sending = await repos.broadcasts.startSending(draft.id, recipients);
    expect(sending?.deliveries.map((d) => d.status)).toEqual(['pending', 'pending']);
    const again = await repos.broadcasts.startSending(draft.id, []);
    expect(again?.deliveries).toHaveLength(2);
    await repos.broadcasts.recordDelivery(draft.id, 'telegram', '-100200', { status: 'sent', at: new Date() });
    await repos.broadcasts.recordDelivery(draft.id, 'telegram', idOn(teacher, 'telegram') ?? '', {
      status: 'blocked',
      reason: 'Forbidden: bot was blocked by the user',
      at: new Date(),
    });
    const blocked = await repos.broadcasts.findById(draft.id);
    expect(blocked?.deliveries.map((d) => [d.status, d.reason])).toEqual([
      ['sent', undefined],
      ['blocked', 'Forbidden: bot was blocked by the user'],
    ]);
    expect((await repos.broadcasts.finish(draft.id, new Date()))?.status).toBe('done');
    expect((await repos.broadcasts.listByCohort(cohort.id)).map((b) => b.id)).toEqual([draft.id]);
  });

  it('keeps the recipient list of a broadcast two instances start at once, once, in order', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const curator = await aParticipant(repos);
    const draft = await repos.broadcasts.create({
      cohortId: cohort.id,
      authorId: curator.id,
      text: 'Двое начали одну рассылку',
      toGroups: true,
      toParticipants: false,
    });
    const list = ['-1001', '-1002', '-1003'].map((chatId) => ({ channel: 'telegram' as const, chatId }));
    const [a, b] = await Promise.all([
      repos.broadcasts.startSending(draft.id, list),
      repos.broadcasts.startSending(draft.id, list),
    ]);
    for (const started of [a, b, await repos.broadcasts.findById(draft.id)]) {
      expect(started?.status).toBe('sending');
      expect(started?.deliveries.map((d) => d.chatId)).toEqual(['-1001', '-1002', '-1003']);
    }
    const claims = await Promise.all(
      [1, 2].map((n) => repos.broadcasts.claimDelivery(draft.id, 'telegram', '-1002', `instance-${n}`, new Date())),
    );
    expect(claims.filter(Boolean)).toHaveLength(1);
  });

  it('moves the deliveries of a broadcast stored before they had their own documents, at start-up', async () => {
    const { models } = store;
    const cohort = await aCohort(store.repositories);
    const curator = await aParticipant(store.repositories);
    const at = new Date('2026-01-10T09:00:00Z');
    const legacy = await models.broadcast.collection.insertOne({
      cohortId: new Types.ObjectId(cohort.id),
      authorId: new Types.ObjectId(curator.id),
      text: 'Старая рассылка',
      toGroups: true,
      toParticipants: false,
      status: 'sending',
      deliveries: [
        { channel: 'telegram', chatId: '-2001', status: 'sent', at },
        { channel: 'telegram', chatId: '-2002', status: 'pending' },
      ],
      createdAt: at,
      updatedAt: at,
    });
    const id = legacy.insertedId.toHexString();
    // Read before the move: the embedded list.
    expect((await store.repositories.broadcasts.findById(id))?.deliveries.map((d) => d.status)).toEqual([
      'sent',
      'pending',
    ]);
    expect(await migrateBroadcastDeliveries(models.broadcast, models.broadcastDelivery)).toBe(1);
    expect(await migrateBroadcastDeliveries(models.broadcast, models.broadcastDelivery)).toBe(0);
    await store.repositories.broadcasts.recordDelivery(id, 'telegram', '-2002', { status: 'sent', at });
    const moved = await store.repositories.broadcasts.findById(id);
    expect(moved?.deliveries.map((d) => [d.chatId, d.status])).toEqual([
      ['-2001', 'sent'],
      ['-2002', 'sent'],
    ]);
    expect((await models.broadcast.collection.findOne({ _id: legacy.insertedId }))?.deliveries).toEqual([]);
  });
});

describe('audit events', () => {
  it('records and lists newest first by subject', async () => {
    const repos = store.repositories;
    const base = { actor: 'system', subjectType: 'participant', subjectId: 'p1' };
    await repos.audit.record({ ...base, action: 'consent.given', at: new Date('2026-01-01T00:00:00Z') });
    await repos.audit.record({
      ...base,
      action: 'participant.anonymised',
      at: new Date('2026-02-01T00:00:00Z'),
      details: { fields: 7 },
    });
    await repos.audit.record({
      ...base,
      subjectId: 'p2',
      action: 'consent.given',
      at: new Date('2026-03-01T00:00:00Z'),
    });
    const events = await repos.audit.list({ subjectType: 'participant', subjectId: 'p1' });
    expect(events.map((e) => e.action)).toEqual(['participant.anonymised', 'consent.given']);
    expect(events[0]?.details).toEqual({ fields: 7 });
    expect(await repos.audit.list({ action: 'consent.given', limit: 1 })).toHaveLength(1);
  });
});
