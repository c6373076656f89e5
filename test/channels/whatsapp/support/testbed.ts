// A fresh store, the seeded cohort, the real engine on a fixed clock, and the WhatsApp channel over
// the fake port, logged in. Curators and tutors get phone numbers: WhatsApp knows people by them.
import { afterEach, beforeEach } from 'vitest';
import type { Participant } from '../../../../src/domain/participant.js';
import { createSputnikEngine, type Engine } from '../../../../src/engine/index.js';
import type { Store } from '../../../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../../../support/cohort-fixture.js';
import { Clock, content, testSettings } from '../../../support/engine-harness.js';
import { openTestStore, silentLogger } from '../../../support/store.js';
import { WhatsappBed, type BedOptions } from './bed.js';

export const CURATOR = '77015550101@c.us';
export const TUTOR = '77015550102@c.us';
export const AT = '2026-06-01T07:00:00Z';

export interface WhatsappTestbed {
  store: Store;
  cohort: CohortFixture;
  clock: Clock;
  engine: Engine;
  bed: WhatsappBed;
}

export function makeEngine(store: Store, clock: Clock): Engine {
  return createSputnikEngine({
    repos: store.repositories,
    sessions: store.sessions,
    content: content(),
    settings: testSettings,
    logger: silentLogger,
    now: clock.now,
  });
}

export function useWhatsappTestbed(options: BedOptions & { connect?: boolean } = {}): WhatsappTestbed {
  const tb = {} as WhatsappTestbed;
  beforeEach(async () => {
    tb.store = await openTestStore();
    tb.cohort = await seedCohort(tb.store);
    await tb.store.repositories.participants.updateProfile(tb.cohort.curatorId, { phone: '+77015550101' });
    await tb.store.repositories.participants.updateProfile(tb.cohort.tutorId, { phone: '+77015550102' });
    tb.clock = new Clock(new Date(AT));
    tb.engine = makeEngine(tb.store, tb.clock);
    tb.bed = new WhatsappBed(tb.store, tb.engine, options);
    if (options.connect !== false) await tb.bed.connect();
  });
  afterEach(async () => {
    await tb.bed.channel.stop();
    await tb.store.close();
  });
  return tb;
}

/** A teacher who already joined the cohort from WhatsApp. */
export async function whatsappTeacher(
  tb: WhatsappTestbed,
  digits: string,
  fullName = 'Жумабаева Гульнара',
): Promise<{ id: string; participant: Participant }> {
  const repos = tb.store.repositories;
  const id = `${digits}@c.us`;
  const created = await repos.participants.create({
    fullName,
    phone: `+${digits}`,
    addresses: [{ channel: 'whatsapp', id: id }],
    locale: 'ru',
    region: 'Алматинская область',
    settlementType: 'rural',
  });
  if (!created.ok) throw new Error('teacher fixture');
  await repos.participants.recordConsent(created.value.id, 'test-1', tb.clock.now());
  await repos.enrollments.enroll({
    participantId: created.value.id,
    cohortId: tb.cohort.cohortId,
    at: tb.clock.now(),
    stages: [1, 2, 3],
  });
  return { id, participant: created.value };
}
