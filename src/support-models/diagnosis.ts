// A teacher's diagnosis as their tutor reads it (seed 003 §2.3.1: motives, readiness for learning and
// self-study, professionally significant qualities): the answers to the questions the model names and
// its rating's figures, from the teacher's latest completed response. The /plans view, the report's
// tutoring table and the console's teacher page show the same lines.
import type { Locale } from '../domain/locale.js';
import type { Repositories } from '../domain/repositories.js';
import type { Response } from '../domain/response.js';
import { displayAnswer, localized, type QuestionnaireCatalog } from '../questionnaires/index.js';
import { computeRating } from './rating.js';
import type { SupportModelFile } from './schema.js';

export interface DiagnosisLine {
  label: string;
  value: string;
}

const shown = (n: number | null) => (n === null ? '—' : String(n).replace('.', ','));

/** The lines of one completed response; [] when the model has no diagnosis or the response is not its questionnaire's. */
export function describeDiagnosis(
  model: SupportModelFile,
  questionnaires: QuestionnaireCatalog,
  response: Response,
  locale: Locale,
): DiagnosisLine[] {
  const d = model.diagnosis;
  if (!d || response.questionnaireId !== d.questionnaireId) return [];
  const q = questionnaires.get(response.questionnaireId, response.questionnaireVersion);
  const lines: DiagnosisLine[] = [];
  for (const id of d.questions) {
    const question = q?.questions.find((x) => x.id === id);
    const answer = response.answers.find((a) => a.questionId === id);
    if (!question || !answer) continue;
    lines.push({
      label: localized(question.text, locale),
      value: displayAnswer(question, answer.skipped ? null : answer.value, locale),
    });
  }
  const rating = model.ratings?.find((r) => r.id === d.rating);
  if (rating) {
    const result = computeRating(rating, response.answers);
    rating.indicators.forEach((ind, i) => {
      lines.push({ label: localized(ind.title, locale), value: shown(result.indicators[i]?.value ?? null) });
    });
    if (rating.total && result.total)
      lines.push({ label: localized(rating.total.title, locale), value: shown(result.total.value) });
  }
  return lines;
}

/** The teacher's latest completed diagnosis in the cohort (completed before `before`, when given). */
export async function latestDiagnosis(
  repos: Pick<Repositories, 'responses'>,
  model: SupportModelFile,
  cohortId: string,
  participantId: string,
  before?: Date,
): Promise<Response | undefined> {
  return (await latestDiagnoses(repos, model, cohortId, before, participantId)).get(participantId);
}

/**
 * Each teacher's latest completed diagnosis in the cohort, from one read of the cohort's diagnoses:
 * a report asks for every teacher, and one read each would read the cohort's diagnoses once per teacher.
 */
export async function latestDiagnoses(
  repos: Pick<Repositories, 'responses'>,
  model: SupportModelFile,
  cohortId: string,
  before?: Date,
  onlyParticipantId?: string,
): Promise<Map<string, Response>> {
  const latest = new Map<string, Response>();
  if (!model.diagnosis) return latest;
  const responses = await repos.responses.listByCohort(cohortId, {
    questionnaireId: model.diagnosis.questionnaireId,
    status: 'completed',
  });
  for (const r of responses) {
    if (onlyParticipantId !== undefined && r.participantId !== onlyParticipantId) continue;
    if (!r.completedAt || (before && r.completedAt >= before)) continue;
    const kept = latest.get(r.participantId);
    // Of two completed at the same moment the one started first stays, as it always has.
    if (!kept || (kept.completedAt?.getTime() ?? 0) < r.completedAt.getTime()) latest.set(r.participantId, r);
  }
  return latest;
}

/**
 * The lines of the teacher's latest completed diagnosis in the cohort (completed before `before`,
 * when given): [] while she has none; undefined where the model has no diagnosis.
 */
export async function teacherDiagnosis(
  repos: Pick<Repositories, 'responses'>,
  model: SupportModelFile,
  questionnaires: QuestionnaireCatalog,
  who: { cohortId: string; participantId: string },
  locale: Locale,
  before?: Date,
): Promise<DiagnosisLine[] | undefined> {
  if (!model.diagnosis) return undefined;
  const response = await latestDiagnosis(repos, model, who.cohortId, who.participantId, before);
  return response ? describeDiagnosis(model, questionnaires, response, locale) : [];
}

/** One cell of a table: "label: value; label: value". */
export function diagnosisCell(lines: readonly DiagnosisLine[]): string {
  return lines.map((l) => `${l.label}: ${l.value}`).join('; ');
}
