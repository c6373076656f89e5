import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { idOn } from '../../../src/domain/participant.js';
import type { Store } from '../../../src/store/index.js';
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
      participantId: teacher.id, cohortId: cohort.id, assigneeId: tutor.id, topic: 'Формирующее оценивание',
      description: 'Как составить критерии для 5 класса?', openedAt: new Date('2026-04-01T08:00:00Z'),
    });
    expect(request.status).toBe('open');
    expect((await repos.consultations.listByAssignee(tutor.id, ['open'])).map((r) => r.id)).toEqual([request.id]);
    await repos.consultations.addMessage(request.id, { authorId: tutor.id, fromTeacher: false, text: 'Посмотрите шаблон во вложении', at: new Date() });
    await repos.consultations.setStatus(request.id, 'answered', new Date());
    const closedAt = new Date('2026-04-03T12:00:00Z');
    const closed = await repos.consultations.setStatus(request.id, 'closed', closedAt);
    expect(closed).toMatchObject({ status: 'closed', closedAt, messages: [{ authorId: tutor.id, fromTeacher: false }] });
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
    const draft = await repos.broadcasts.create({ cohortId: cohort.id, authorId: curator.id, text: 'Вебинар в четверг в 15:00', link: 'https://example.org/webinar', toGroups: true, toParticipants: true });
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
    await repos.broadcasts.recordDelivery(draft.id, 'telegram', idOn(teacher, 'telegram') ?? '', { status: 'blocked', reason: 'Forbidden: bot was blocked by the user', at: new Date() });
    const blocked = await repos.broadcasts.findById(draft.id);
    expect(blocked?.deliveries.map((d) => [d.status, d.reason])).toEqual([['sent', undefined], ['blocked', 'Forbidden: bot was blocked by the user']]);
    expect((await repos.broadcasts.finish(draft.id, new Date()))?.status).toBe('done');
    expect((await repos.broadcasts.listByCohort(cohort.id)).map((b) => b.id)).toEqual([draft.id]);
  });
});

describe('audit events', () => {
  it('records and lists newest first by subject', async () => {
    const repos = store.repositories;
    const base = { actor: 'system', subjectType: 'participant', subjectId: 'p1' };
    await repos.audit.record({ ...base, action: 'consent.given', at: new Date('2026-01-01T00:00:00Z') });
    await repos.audit.record({ ...base, action: 'participant.anonymised', at: new Date('2026-02-01T00:00:00Z'), details: { fields: 7 } });
    await repos.audit.record({ ...base, subjectId: 'p2', action: 'consent.given', at: new Date('2026-03-01T00:00:00Z') });
    const events = await repos.audit.list({ subjectType: 'participant', subjectId: 'p1' });
    expect(events.map((e) => e.action)).toEqual(['participant.anonymised', 'consent.given']);
    expect(events[0]?.details).toEqual({ fields: 7 });
    expect(await repos.audit.list({ action: 'consent.given', limit: 1 })).toHaveLength(1);
  });
});
