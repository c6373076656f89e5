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

describe('participants', () => {
  it('finds a person by each channel identity', async () => {
    const repos = store.repositories;
    const p = await aParticipant(repos, {
      phone: '+77011234567',
      addresses: [
        { channel: 'whatsapp', id: '77011234567@c.us' },
        { channel: 'telegram', id: '555123', username: '@Maria_T' },
      ],
    });
    expect((await repos.participants.findByPhone('+77011234567'))?.id).toBe(p.id);
    expect((await repos.participants.findByAddress('whatsapp', '77011234567@c.us'))?.id).toBe(p.id);
    expect((await repos.participants.findByAddress('telegram', '555123'))?.id).toBe(p.id);
    expect((await repos.participants.findByUsername('telegram', 'maria_t'))?.id).toBe(p.id);
    expect(p.addresses.find((a) => a.channel === 'telegram')?.username).toBe('maria_t');
  });

  it('refuses a second person with the same Telegram id, WhatsApp id or phone', async () => {
    const repos = store.repositories;
    const p = await aParticipant(repos, {
      phone: '+79031112233',
      addresses: [{ channel: 'whatsapp', id: '79031112233@c.us' }],
    });
    const tg = idOn(p, 'telegram')!;
    expect(await repos.participants.create({ addresses: [{ channel: 'telegram', id: tg }], locale: 'ru' })).toEqual({
      ok: false,
      error: { kind: 'identity_taken', field: 'address' },
    });
    expect(await repos.participants.create({ phone: '+79031112233', locale: 'ru' })).toEqual({
      ok: false,
      error: { kind: 'identity_taken', field: 'phone' },
    });
    const other = await aParticipant(repos);
    expect(await repos.participants.linkAddress(other.id, { channel: 'whatsapp', id: '79031112233@c.us' })).toEqual({
      ok: false,
      error: { kind: 'identity_taken', field: 'address' },
    });
    // The same id on another channel is another address.
    expect((await repos.participants.linkAddress(other.id, { channel: 'max', id: tg }))?.ok).toBe(true);
  });

  it('lets many people have no phone and no WhatsApp id at all', async () => {
    const repos = store.repositories;
    const a = await aParticipant(repos);
    const b = await aParticipant(repos);
    expect(a.phone).toBeUndefined();
    expect(b.phone).toBeUndefined();
  });

  it('rejects a phone that is not E.164', async () => {
    await expect(store.repositories.participants.create({ phone: '8 701 123 45 67', locale: 'ru' })).rejects.toThrow(
      /E\.164/,
    );
  });

  it('records and withdraws consent, opts out of reminders and back in', async () => {
    const repos = store.repositories;
    const p = await aParticipant(repos);
    const at = new Date('2026-04-01T10:00:00Z');
    expect((await repos.participants.recordConsent(p.id, 'policy-2026-01', at))?.consent).toEqual({
      given: true,
      at,
      policyVersion: 'policy-2026-01',
    });
    const withdrawn = await repos.participants.withdrawConsent(p.id, new Date('2026-05-01T00:00:00Z'));
    expect(withdrawn?.consent).toMatchObject({ given: false, policyVersion: 'policy-2026-01' });
    expect(withdrawn?.consent?.withdrawnAt?.toISOString()).toBe('2026-05-01T00:00:00.000Z');
    expect((await repos.participants.setRemindersOptOut(p.id, at))?.remindersOptedOutAt).toEqual(at);
    expect((await repos.participants.setRemindersOptOut(p.id, null))?.remindersOptedOutAt).toBeUndefined();
  });

  it('anonymises: personal fields gone, region and settlement kept, identity free for reuse', async () => {
    const repos = store.repositories;
    const p = await aParticipant(repos, {
      phone: '+79998887766',
      organisation: 'МОУ СОШ № 3',
      position: 'учитель',
      subject: 'математика',
      district: 'Тутаевский',
    });
    const at = new Date('2026-06-01T00:00:00Z');
    const anon = await repos.participants.anonymise(p.id, at);
    expect(anon).toMatchObject({
      id: p.id,
      region: 'Ярославская область',
      settlementType: 'urban',
      subject: 'математика',
      district: 'Тутаевский',
      anonymisedAt: at,
    });
    for (const field of ['fullName', 'phone', 'organisation', 'position'] as const)
      expect(anon?.[field]).toBeUndefined();
    expect(await repos.participants.findByPhone('+79998887766')).toBeUndefined();
    expect((await repos.participants.create({ phone: '+79998887766', locale: 'ru' })).ok).toBe(true);
  });

  it('stores an operator-looking answer as plain text and never lets it act as a query', async () => {
    const repos = store.repositories;
    await aParticipant(repos, { fullName: 'Обычный педагог' });
    const sneaky = await aParticipant(repos, { fullName: '{"$gt": ""}', organisation: '$where' });
    expect(sneaky.fullName).toBe('{"$gt": ""}');
    // An operator object where a string belongs (as a hostile caller might pass) is refused, never run.
    const forged = { $ne: 'nobody' } as unknown as string;
    await expect(repos.participants.findByPhone(forged)).rejects.toThrow(/Cast to string failed/);
    expect(await repos.participants.findByAddress('whatsapp', forged)).toBeUndefined();
    expect(await repos.participants.findById(forged)).toBeUndefined();
  });
});

describe('enrollments', () => {
  it('enrolls once per participant and cohort and tracks stages', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const teacher = await aParticipant(repos);
    const at = new Date('2026-03-21T06:00:00Z');
    const first = await repos.enrollments.enroll({
      participantId: teacher.id,
      cohortId: cohort.id,
      at,
      stages: [1, 2, 3],
    });
    const second = await repos.enrollments.enroll({
      participantId: teacher.id,
      cohortId: cohort.id,
      at: new Date(),
      stages: [1, 2, 3],
    });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.enrollment.id).toBe(first.enrollment.id);
    expect(second.enrollment.joinedAt).toEqual(at);
    expect(first.enrollment.stages.map((s) => s.status)).toEqual(['not_started', 'not_started', 'not_started']);

    const started = await repos.enrollments.setStage(first.enrollment.id, 2, 'in_progress', at);
    expect(started?.currentStage).toBe(2);
    expect(started?.stages[1]).toEqual({ stage: 2, status: 'in_progress', startedAt: at });
    const done = await repos.enrollments.setStage(first.enrollment.id, 2, 'completed', at);
    expect(done?.stages[1]?.status).toBe('completed');
    expect(done?.stages[0]?.status).toBe('not_started');
    expect(await repos.enrollments.listByCohort(cohort.id, 'active')).toHaveLength(1);
    expect((await repos.enrollments.listByParticipant(teacher.id)).map((e) => e.cohortId)).toEqual([cohort.id]);
  });

  it("starts an enrollment with exactly its plan's stages, however many, and keeps a hand-set later stage", async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const two = await repos.enrollments.enroll({
      participantId: (await aParticipant(repos)).id,
      cohortId: cohort.id,
      at: new Date(),
      stages: [2, 1],
    });
    expect(two.enrollment.stages).toEqual([
      { stage: 1, status: 'not_started' },
      { stage: 2, status: 'not_started' },
    ]);
    expect(two.enrollment.currentStage).toBe(1);
    const five = await repos.enrollments.enroll({
      participantId: (await aParticipant(repos)).id,
      cohortId: cohort.id,
      at: new Date(),
      stages: [1, 2, 3, 4, 5],
    });
    expect(five.enrollment.stages.map((s) => s.stage)).toEqual([1, 2, 3, 4, 5]);
    const at = new Date('2026-05-01T06:00:00Z');
    const set = await repos.enrollments.addStageOverride(five.enrollment.id, {
      stage: 5,
      status: 'completed',
      at,
      by: 'curator',
      comment: 'итоговая защита',
    });
    expect(set?.stageOverrides).toEqual([
      { stage: 5, status: 'completed', at, by: 'curator', comment: 'итоговая защита' },
    ]);
  });

  it('assigns and removes a tutor', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const teacher = await aParticipant(repos);
    const tutor = await aParticipant(repos);
    const { enrollment } = await repos.enrollments.enroll({
      participantId: teacher.id,
      cohortId: cohort.id,
      at: new Date(),
      stages: [1, 2, 3],
    });
    expect((await repos.enrollments.assignTutor(enrollment.id, tutor.id))?.tutorId).toBe(tutor.id);
    expect((await repos.enrollments.assignTutor(enrollment.id, null))?.tutorId).toBeUndefined();
    expect((await repos.enrollments.setStatus(enrollment.id, 'withdrawn'))?.status).toBe('withdrawn');
    expect(await repos.enrollments.listByCohort(cohort.id, 'active')).toHaveLength(0);
  });
});
