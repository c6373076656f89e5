import type { Repositories } from '../../src/domain/repositories.js';
import type { Cohort } from '../../src/domain/cohort.js';
import { idOn, type Participant } from '../../src/domain/participant.js';
import type { Programme } from '../../src/domain/programme.js';

let sequence = 0;
const next = () => ++sequence;

export async function aProgramme(
  repos: Repositories,
  overrides: Partial<Parameters<Repositories['programmes']['upsertByCode']>[0]> = {},
): Promise<Programme> {
  const { programme } = await repos.programmes.upsertByCode({
    code: `DPP-${next()}`,
    title: 'Формирование функциональной грамотности',
    direction: 'Общее образование',
    hours: 72,
    ...overrides,
  });
  return programme;
}

export async function aParticipant(
  repos: Repositories,
  overrides: Partial<Parameters<Repositories['participants']['create']>[0]> = {},
): Promise<Participant> {
  const n = next();
  // A Telegram address unless the test gives one; other addresses come after it.
  const { addresses = [], ...rest } = overrides;
  const telegram = addresses.some((a) => a.channel === 'telegram')
    ? []
    : [{ channel: 'telegram', id: String(100_000 + n) }];
  const result = await repos.participants.create({
    fullName: `Иванова Мария ${n}`,
    addresses: [...telegram, ...addresses],
    locale: 'ru',
    region: 'Ярославская область',
    settlementType: 'urban',
    ...rest,
  });
  if (!result.ok) throw new Error(`fixture participant: ${result.error.field} taken`);
  return result.value;
}

export async function aCohort(
  repos: Repositories,
  overrides: Partial<Parameters<Repositories['cohorts']['upsertByCode']>[0]> = {},
): Promise<Cohort> {
  const programme = overrides.programmeId ? undefined : await aProgramme(repos);
  const { cohort } = await repos.cohorts.upsertByCode({
    code: `C${next()}XQ`,
    programmeId: programme?.id ?? '',
    title: 'Поток весна 2026',
    courseStart: new Date('2026-03-02T00:00:00Z'),
    courseEnd: new Date('2026-03-20T00:00:00Z'),
    timeZone: 'Europe/Moscow',
    locale: 'ru',
    ...overrides,
  });
  return cohort;
}

/** The participant's Telegram chat id (every `aParticipant` has one unless told otherwise). */
export function tg(p: Pick<Participant, 'addresses'>): string {
  const id = idOn(p, 'telegram');
  if (id === undefined) throw new Error('the participant has no Telegram address');
  return id;
}
