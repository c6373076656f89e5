import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Store } from '../../../src/store/index.js';
import { aCohort, aParticipant, aProgramme } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

describe('programmes', () => {
  it('upserts by code idempotently, case-insensitively', async () => {
    const repos = store.repositories;
    const first = await repos.programmes.upsertByCode({
      code: 'fg-72',
      title: 'Функциональная грамотность',
      direction: 'Общее образование',
      hours: 72,
    });
    expect(first.created).toBe(true);
    expect(first.programme.code).toBe('FG-72');
    const again = await repos.programmes.upsertByCode({
      code: 'FG-72',
      title: 'Функциональная грамотность (ред. 2)',
      direction: 'Общее образование',
    });
    expect(again.created).toBe(false);
    expect(again.programme.id).toBe(first.programme.id);
    expect(again.programme.title).toBe('Функциональная грамотность (ред. 2)');
    // Re-importing without hours clears them rather than keeping a stale value.
    expect(again.programme.hours).toBeUndefined();
    expect((await repos.programmes.findByCode('fg-72'))?.id).toBe(first.programme.id);
  });

  it('keeps a stage plan and rejects a malformed offset', async () => {
    const repos = store.repositories;
    const programme = await aProgramme(repos, {
      stagePlan: {
        stages: [
          { stage: 1, startOffset: '+7d' },
          { stage: 2, startOffset: '+1m' },
          { stage: 3, startOffset: '+10m' },
        ],
        questionnaires: [{ questionnaireId: 'impact', offset: '+6m', occasion: 'impact-6m' }],
      },
    });
    expect(programme.stagePlan?.stages.map((s) => s.startOffset)).toEqual(['+7d', '+1m', '+10m']);
    await expect(
      repos.programmes.upsertByCode({
        code: 'BAD',
        title: 't',
        direction: 'd',
        stagePlan: { stages: [{ stage: 1, startOffset: 'next week' }], questionnaires: [] },
      }),
    ).rejects.toThrow(/startOffset/);
  });
});

describe('cohorts', () => {
  it('creates and updates by code without losing bound groups', async () => {
    const repos = store.repositories;
    const programme = await aProgramme(repos);
    const curator = await aParticipant(repos);
    const created = await repos.cohorts.upsertByCode({
      code: 'spring26',
      programmeId: programme.id,
      title: 'Весна',
      courseStart: new Date('2026-03-02'),
      courseEnd: new Date('2026-03-20'),
      timeZone: 'Asia/Almaty',
      locale: 'kk',
      curatorIds: [curator.id],
    });
    expect(created.created).toBe(true);
    expect(created.cohort).toMatchObject({
      code: 'SPRING26',
      status: 'active',
      timeZone: 'Asia/Almaty',
      curatorIds: [curator.id],
      groups: [],
    });

    const bound = await repos.cohorts.bindGroup(created.cohort.id, {
      channel: 'telegram',
      chatId: '-1001',
      boundAt: new Date(),
      boundBy: curator.id,
      inviteLink: 'https://t.me/+abc',
    });
    expect(bound.ok).toBe(true);

    const updated = await repos.cohorts.upsertByCode({
      code: 'SPRING26',
      programmeId: programme.id,
      title: 'Весна (изм.)',
      courseStart: new Date('2026-03-02'),
      courseEnd: new Date('2026-03-27'),
      timeZone: 'Asia/Almaty',
      locale: 'kk',
      curatorIds: [curator.id],
    });
    expect(updated.created).toBe(false);
    expect(updated.cohort.courseEnd.toISOString()).toBe('2026-03-27T00:00:00.000Z');
    expect(updated.cohort.groups).toHaveLength(1);
    expect((await repos.cohorts.findByGroup('telegram', '-1001'))?.code).toBe('SPRING26');
    expect(await repos.cohorts.findByGroup('whatsapp', '-1001')).toBeUndefined();
    expect((await repos.cohorts.listForStaffMember(curator.id)).map((c) => c.code)).toEqual(['SPRING26']);
  });

  it('refuses a course that ends before it starts', async () => {
    const programme = await aProgramme(store.repositories);
    await expect(
      store.repositories.cohorts.upsertByCode({
        code: 'BACKWARDS',
        programmeId: programme.id,
        title: 't',
        courseStart: new Date('2026-05-01'),
        courseEnd: new Date('2026-04-01'),
        timeZone: 'Europe/Moscow',
        locale: 'ru',
      }),
    ).rejects.toThrow(/courseEnd/);
  });

  it('binds a group to one cohort only, re-binding replaces, unbinding removes', async () => {
    const repos = store.repositories;
    const a = await aCohort(repos);
    const b = await aCohort(repos);
    const group = { channel: 'whatsapp' as const, chatId: '120363@g.us', boundAt: new Date() };
    expect((await repos.cohorts.bindGroup(a.id, group)).ok).toBe(true);
    const rebound = await repos.cohorts.bindGroup(a.id, { ...group, inviteLink: 'https://chat.whatsapp.com/XYZ' });
    expect(rebound.ok && rebound.value.groups).toEqual([
      expect.objectContaining({ chatId: '120363@g.us', inviteLink: 'https://chat.whatsapp.com/XYZ' }),
    ]);
    const stolen = await repos.cohorts.bindGroup(b.id, group);
    expect(stolen).toEqual({ ok: false, error: { kind: 'bound_to_other_cohort', cohortCode: a.code } });
    expect(await repos.cohorts.unbindGroup(a.id, 'whatsapp', '120363@g.us')).toBe(true);
    expect(await repos.cohorts.unbindGroup(a.id, 'whatsapp', '120363@g.us')).toBe(false);
    expect((await repos.cohorts.bindGroup(b.id, group)).ok).toBe(true);
  });

  it('finds nothing for malformed ids and codes instead of throwing', async () => {
    const repos = store.repositories;
    expect(await repos.cohorts.findById('not-an-id')).toBeUndefined();
    expect(await repos.cohorts.findByCode('{"$ne":null}')).toBeUndefined();
    expect(await repos.cohorts.setStatus('0'.repeat(24), 'finished')).toBeUndefined();
  });
});

describe('stage plans', () => {
  it('keeps a cohort plan when a re-import does not mention it', async () => {
    const repos = store.repositories;
    const plan = { stages: [{ stage: 1 as const, startOffset: '+3d' }], questionnaires: [] };
    const first = await aCohort(repos, { code: 'PLAN1', stagePlan: plan });
    const { cohort } = await repos.cohorts.upsertByCode({
      code: 'PLAN1',
      programmeId: first.programmeId,
      title: first.title,
      courseStart: first.courseStart,
      courseEnd: first.courseEnd,
      timeZone: first.timeZone,
      locale: first.locale,
    });
    expect(cohort.stagePlan).toEqual(plan);
  });
});
