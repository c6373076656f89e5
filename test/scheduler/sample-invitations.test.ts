import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../src/delivery/ports.js';
import { createSputnikEngine } from '../../src/engine/index.js';
import { createMonitoring } from '../../src/monitoring/index.js';
import { inviteSampleMembers } from '../../src/scheduler/sample-invitations.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { content, testSettings } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';

let store: Store;
let cohort: CohortFixture;
beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store);
});
afterEach(async () => {
  await store.close();
});

describe('sample invitations', () => {
  it('invites each sampled teacher once, inside the sending window, and skips those who opted out', async () => {
    const repos = store.repositories;
    const ids: string[] = [];
    for (const [i, optedOut] of [false, false, true].entries()) {
      const p = await repos.participants.create({
        fullName: `Учитель ${i}`,
        addresses: [{ channel: 'telegram', id: String(9100 + i) }],
        locale: 'ru',
        region: 'Ярославская область',
        settlementType: i ? 'rural' : 'urban',
      });
      if (!p.ok) throw new Error('fixture');
      await repos.participants.recordConsent(p.value.id, 'test-1', new Date());
      if (optedOut) await repos.participants.setRemindersOptOut(p.value.id, new Date());
      await repos.enrollments.enroll({
        participantId: p.value.id,
        cohortId: cohort.cohortId,
        at: new Date(),
        stages: [1, 2, 3],
      });
      ids.push(p.value.id);
    }
    const monitoring = createMonitoring({ store, catalog: content().questionnaires });
    const sample = await monitoring.drawSample({ size: 3, seed: 'test', cohortIds: [cohort.cohortId] });
    const sampleId = await monitoring.saveSample(sample, { createdBy: cohort.curatorId, cohortIds: [cohort.cohortId] });
    expect(
      (await monitoring.assignSampleQuestionnaire(sampleId, { questionnaireId: 'engine-check', by: cohort.curatorId }))
        .ok,
    ).toBe(true);

    const sent: { chatId: string; text: string }[] = [];
    const sender: ChannelSender = {
      channel: 'telegram',
      send: async (chatId, message) => {
        sent.push({ chatId, text: message.kind === 'prompt' || message.kind === 'text' ? message.text : '' });
        return { ok: true };
      },
    };
    const dispatcher = createDispatcher({ senders: [sender], repos, logger: silentLogger });
    let now = new Date('2026-11-21T10:00:00+03:00'); // a Saturday: outside the window
    const engine = createSputnikEngine({
      repos,
      sessions: store.sessions,
      content: content(),
      settings: testSettings,
      logger: silentLogger,
      now: () => now,
    });
    const deps = {
      samples: monitoring,
      repos,
      engine,
      dispatcher,
      content: content(),
      logger: silentLogger,
      now: () => now,
    };

    expect(await inviteSampleMembers(deps)).toBe(0);
    expect(sent).toEqual([]);
    now = new Date('2026-11-23T10:00:00+03:00'); // Monday morning
    expect(await inviteSampleMembers(deps)).toBe(2);
    expect(
      sent.filter((s) =>
        s.text.startsWith(
          'Курс «Функциональная грамотность, весна 2026»: вы вошли в выборку опроса «Проверка после курса»',
        ),
      ),
    ).toHaveLength(2);
    expect(sent.map((s) => s.chatId)).not.toContain('9102');
    expect(await inviteSampleMembers(deps)).toBe(0);
  });

  it('goes through the send log: a crash between sending and marking the member invited sends nothing twice', async () => {
    const repos = store.repositories;
    const p = await repos.participants.create({
      fullName: 'Учитель Лог',
      addresses: [{ channel: 'telegram', id: String(9200) }],
      locale: 'ru',
      region: 'Ярославская область',
      settlementType: 'urban',
    });
    if (!p.ok) throw new Error('fixture');
    await repos.participants.recordConsent(p.value.id, 'test-1', new Date());
    await repos.enrollments.enroll({
      participantId: p.value.id,
      cohortId: cohort.cohortId,
      at: new Date(),
      stages: [1, 2, 3],
    });
    const monitoring = createMonitoring({ store, catalog: content().questionnaires });
    const sample = await monitoring.drawSample({ size: 1, seed: 'log', cohortIds: [cohort.cohortId] });
    const sampleId = await monitoring.saveSample(sample, { createdBy: cohort.curatorId, cohortIds: [cohort.cohortId] });
    expect(
      (await monitoring.assignSampleQuestionnaire(sampleId, { questionnaireId: 'engine-check', by: cohort.curatorId }))
        .ok,
    ).toBe(true);

    const sent: string[] = [];
    const sender: ChannelSender = {
      channel: 'telegram',
      send: async (chatId) => {
        sent.push(chatId);
        return { ok: true };
      },
    };
    const dispatcher = createDispatcher({ senders: [sender], repos, logger: silentLogger });
    const now = new Date('2026-11-23T10:00:00+03:00');
    const engine = createSputnikEngine({
      repos,
      sessions: store.sessions,
      content: content(),
      settings: testSettings,
      logger: silentLogger,
      now: () => now,
    });
    // The mark never lands, as after a crash right after the send.
    const samples = {
      pendingSampleInvitations: () => monitoring.pendingSampleInvitations(),
      markSampleInvited: async () => false,
    };
    const deps = { samples, repos, engine, dispatcher, content: content(), logger: silentLogger, now: () => now };

    expect(await inviteSampleMembers(deps)).toBe(1);
    const first = sent.length;
    expect(first).toBeGreaterThan(0);
    expect(await inviteSampleMembers(deps)).toBe(0);
    expect(sent).toHaveLength(first);
    const log = await repos.scheduledSends.listByCohort(cohort.cohortId);
    expect(log.filter((s) => s.kind === 'sample-invite').map((s) => [s.recipientId, s.status])).toEqual([
      [p.value.id, 'sent'],
    ]);
  });
});
