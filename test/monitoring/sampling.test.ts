// Stratified sampling: proportions by largest remainders, reproducibility, and the stored draw.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { t } from '../../src/i18n/index.js';
import { loadSamplingUnits } from '../../src/monitoring/sampling-units.js';
import {
  allocateSeats,
  drawStratifiedSample,
  marginals,
  seededRandom,
  stratumKey,
  type SamplingUnit,
} from '../../src/monitoring/sampling.js';
import type { Store } from '../../src/store/index.js';
import { openTestStore } from '../support/store.js';
import { REGION_A, REGION_B, seedMonitoringFixture, type MonitoringFixture } from './fixture.js';

function population(): SamplingUnit[] {
  // 1000 teachers: region N 600 / S 400; direction X 700 / Y 300 independent of region; urban 550.
  const units: SamplingUnit[] = [];
  for (let i = 0; i < 1000; i++) {
    units.push({
      participantId: `p${String(i).padStart(4, '0')}`,
      cohortId: 'c',
      region: i < 600 ? 'N' : 'S',
      direction: i % 10 < 7 ? 'X' : 'Y',
      settlementType: i % 20 < 11 ? 'urban' : 'rural',
    });
  }
  return units;
}

describe('seat allocation', () => {
  // Strata that differ in every dimension: the leftover seats follow the largest remainders.
  const distinct = (populations: number[]) =>
    populations.map((population, i) => ({ region: `r${i}`, direction: `d${i}`, settlementType: `s${i}`, population }));

  it('gives floors, then seats to the largest remainders', () => {
    // quotas 4.2857, 2.8571, 2.8571 for 10 seats over 15/10/10 -> 4, 3, 3.
    expect(allocateSeats(distinct([15, 10, 10]), 10, seededRandom('x'))).toEqual([4, 3, 3]);
    // 21 seats over 50/20/30 (quotas 10.5 4.2 6.3) -> 11 4 6.
    expect(allocateSeats(distinct([50, 20, 30]), 21, seededRandom('x'))).toEqual([11, 4, 6]);
    expect(allocateSeats(distinct([0, 0]), 5, seededRandom('x'))).toEqual([0, 0]);
  });

  it('keeps every share within a seat of its target when strata are many and small', () => {
    // 9 teachers in 8 strata, 4 seats: plain largest remainders gave all 4 to the first region.
    const strata = [
      ['A', 'H', 'rural', 1],
      ['A', 'H', 'urban', 1],
      ['A', 'N', 'rural', 1],
      ['A', 'N', 'urban', 2],
      ['B', 'H', 'rural', 1],
      ['B', 'H', 'urban', 1],
      ['B', 'N', 'rural', 1],
      ['B', 'N', 'urban', 1],
    ].map(([region, direction, settlementType, population]) => ({
      region: region as string,
      direction: direction as string,
      settlementType: settlementType as string,
      population: population as number,
    }));
    for (const seed of ['a', 'b', 'c', 'd']) {
      const seats = allocateSeats(strata, 4, seededRandom(seed));
      expect(seats.reduce((a, b) => a + b, 0)).toBe(4);
      const sum = (pick: (s: (typeof strata)[number]) => boolean) =>
        strata.reduce((n, s, i) => n + (pick(s) ? seats[i]! : 0), 0);
      // Targets: A 2.22, N 2.22, urban 2.22 of 4.
      for (const count of [
        sum((s) => s.region === 'A'),
        sum((s) => s.direction === 'N'),
        sum((s) => s.settlementType === 'urban'),
      ]) {
        expect(count).toBeGreaterThanOrEqual(2);
        expect(count).toBeLessThanOrEqual(3);
      }
      seats.forEach((n, i) => {
        expect(n).toBeLessThanOrEqual(strata[i]!.population);
      });
    }
  });
});

describe('stratified sample', () => {
  it('matches region, direction and urban/rural shares', () => {
    const sample = drawStratifiedSample(population(), 100, 'seed-1');
    expect(sample.members).toHaveLength(100);
    expect(new Set(sample.members.map((m) => m.participantId)).size).toBe(100);
    const share = (dimension: string, value: string) =>
      marginals(sample).find((r) => r.dimension === dimension && r.value === value)!;
    expect(share('region', 'N')).toMatchObject({
      population: 600,
      sampled: 60,
      populationShare: 0.6,
      sampleShare: 0.6,
    });
    expect(share('direction', 'X')).toMatchObject({ population: 700, sampled: 70 });
    expect(Math.abs(share('settlementType', 'urban').sampled - 55)).toBeLessThanOrEqual(1);
    for (const s of sample.strata) expect(Math.abs(s.sampled - s.quota)).toBeLessThan(1);
    expect(sample.strata.reduce((n, s) => n + s.sampled, 0)).toBe(100);
  });

  it('is reproducible with a seed, whatever the input order, and differs with another seed', () => {
    const units = population();
    const a = drawStratifiedSample(units, 50, 'весна-2026').members.map((m) => m.participantId);
    const b = drawStratifiedSample([...units].reverse(), 50, 'весна-2026').members.map((m) => m.participantId);
    const c = drawStratifiedSample(units, 50, 'осень-2026').members.map((m) => m.participantId);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
    expect(seededRandom('x')()).toBe(seededRandom('x')());
  });

  it('takes everyone when asked for more than there are', () => {
    expect(drawStratifiedSample(population().slice(0, 7), 20, 's').members).toHaveLength(7);
  });
});

describe('sampling from the store', () => {
  let store: Store;
  let fx: MonitoringFixture;
  beforeAll(async () => {
    store = await openTestStore();
    fx = await seedMonitoringFixture(store, t('kk', 'consultation.topic_methods'));
  });
  afterAll(() => store.close());

  it('builds units from enrolled teachers, with the programme direction', async () => {
    await store.repositories.participants.withdrawConsent(fx.teachers.t9!.id, new Date());
    const units = await loadSamplingUnits(store.models, {});
    // 10 teachers, t10 withdrawn from the course, t9 withdrew consent; staff are never units.
    expect(units).toHaveLength(8);
    const t1 = units.find((u) => u.participantId === fx.teachers.t1!.id)!;
    expect(t1).toEqual({
      participantId: fx.teachers.t1!.id,
      cohortId: fx.cohorts.c1.id,
      region: REGION_A,
      direction: 'Естественно-научное',
      settlementType: 'urban',
    });
    const c2 = await loadSamplingUnits(store.models, { cohortIds: [fx.cohorts.c2.id] });
    expect(c2.map((u) => u.region).sort()).toEqual([REGION_A, REGION_B, REGION_B]);
    // The whole centre leaves out the sandbox's demo cohorts: here c2 stands for one (its 3 units).
    const withoutC2 = await loadSamplingUnits(store.models, { excludeCohortIds: [fx.cohorts.c2.id] });
    expect(withoutC2).toHaveLength(5);
    expect(withoutC2.some((u) => u.cohortId === fx.cohorts.c2.id)).toBe(false);
  });

  it('stores a sample, assigns it a questionnaire once, and lists invitations for the scheduler', async () => {
    const samples = store.repositories.samples;
    const sample = drawStratifiedSample(await loadSamplingUnits(store.models, {}), 4, 'seed');
    const members = sample.members.map((m) => ({
      participantId: m.participantId,
      cohortId: m.cohortId,
      stratum: stratumKey(m),
    }));
    const id = await samples.create({ ...sample, members, createdBy: fx.staff.id });
    expect((await samples.findById(id))!.members).toHaveLength(4);
    expect(await samples.pendingInvitations()).toEqual([]);
    const assignment = {
      questionnaireId: 'fb',
      occasion: `sample-${id}`,
      assignedAt: new Date(),
      assignedBy: fx.staff.id,
    };
    expect(await samples.assign(id, assignment)).toEqual({ ok: true, value: { members: 4 } });
    expect(await samples.assign(id, { ...assignment, occasion: 'x' })).toEqual({
      ok: false,
      error: { kind: 'already_assigned', questionnaireId: 'fb' },
    });
    expect(await samples.assign('nope', assignment)).toEqual({ ok: false, error: { kind: 'not_found' } });
    const pending = await samples.pendingInvitations();
    expect(pending).toHaveLength(4);
    expect(pending[0]).toMatchObject({ sampleId: id, questionnaireId: 'fb', occasion: `sample-${id}` });
    expect(await samples.markInvited(id, pending[0]!.participantId, new Date())).toBe(true);
    expect(await samples.markInvited(id, pending[0]!.participantId, new Date())).toBe(false);
    expect(await samples.pendingInvitations()).toHaveLength(3);
  });
});
