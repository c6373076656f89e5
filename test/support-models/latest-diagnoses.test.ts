// The report's tutoring table reads a cohort's diagnoses once and keeps each teacher's latest one
// completed before the report date; one teacher's view (/plans, the console) gives the same answer.
import { describe, expect, it } from 'vitest';
import type { Repositories } from '../../src/domain/repositories.js';
import type { Response } from '../../src/domain/response.js';
import { latestDiagnoses, latestDiagnosis } from '../../src/support-models/diagnosis.js';
import type { SupportModelFile } from '../../src/support-models/schema.js';

const model = { diagnosis: { questionnaireId: 'entry', questions: ['motives'] } } as unknown as SupportModelFile;
const day = (d: number) => new Date(Date.UTC(2026, 3, d, 9));

let n = 0;
function run(participantId: string, started: number, completed: number | undefined): Response {
  n += 1;
  return {
    id: `r${n}`,
    participantId,
    cohortId: 'c1',
    questionnaireId: 'entry',
    questionnaireVersion: 1,
    occasion: `entry-${n}`,
    status: completed === undefined ? 'in_progress' : 'completed',
    answers: [],
    startedAt: day(started),
    ...(completed === undefined ? {} : { completedAt: day(completed) }),
    createdAt: day(started),
    updatedAt: day(started),
  };
}

// As the store gives them: oldest start first.
const anna1 = run('anna', 1, 2);
const boris1 = run('boris', 1, 5);
const anna2 = run('anna', 3, 10);
const boris2 = run('boris', 4, 5); // completed at the same moment as boris1, started later
const vera1 = run('vera', 6, 20); // only after the report date
const anna3 = run('anna', 12, undefined); // not completed
let reads = 0;
const repos = {
  responses: {
    async listByCohort(_cohortId: string, filter?: { questionnaireId?: string; status?: string }) {
      reads += 1;
      return [anna1, boris1, anna2, boris2, vera1, anna3].filter(
        (r) => r.questionnaireId === filter?.questionnaireId && r.status === filter?.status,
      );
    },
  },
} as unknown as Pick<Repositories, 'responses'>;

describe('latest diagnoses', () => {
  it('keeps each teacher’s latest completed before the date, from one read', async () => {
    reads = 0;
    const latest = await latestDiagnoses(repos, model, 'c1', day(15));
    expect(reads).toBe(1);
    // Anna: the second (10 April), not the first nor the unfinished third; Boris: of two completed at
    // once, the one started first; Vera: nothing before 15 April.
    expect(Object.fromEntries([...latest].map(([who, r]) => [who, r.id]))).toEqual({
      anna: anna2.id,
      boris: boris1.id,
    });
    expect((await latestDiagnoses(repos, model, 'c1')).get('vera')?.id).toBe(vera1.id);
    expect((await latestDiagnoses(repos, model, 'c1', day(9))).get('anna')?.id).toBe(anna1.id);
  });

  it('gives one teacher what the whole cohort’s read gives her', async () => {
    for (const who of ['anna', 'boris', 'vera', 'nobody'])
      expect((await latestDiagnosis(repos, model, 'c1', who, day(15)))?.id).toBe(
        (await latestDiagnoses(repos, model, 'c1', day(15))).get(who)?.id,
      );
  });

  it('is empty where the model has no diagnosis, without reading', async () => {
    reads = 0;
    expect((await latestDiagnoses(repos, {} as SupportModelFile, 'c1')).size).toBe(0);
    expect(reads).toBe(0);
  });
});
