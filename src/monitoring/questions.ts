// Which questions of a questionnaire the aggregates look at, across its versions.
import type { Locale } from '../domain/locale.js';
import { localized, type Question, type QuestionnaireCatalog } from '../questionnaires/index.js';
import type { DistributionQuestions, LikertScale } from './pipelines.js';

export interface QuestionInfo {
  question: Question;
  /** The version the definition was taken from: the latest one that has the question. */
  version: number;
}

/**
 * The questions of `questionnaireId` in `version`, or of all its versions when none is given, in
 * the order of the latest version with questions removed later appended. A question id keeps one
 * meaning across versions (a changed question gets a new id), so answers to it are pooled.
 */
export function questionsOf(catalog: QuestionnaireCatalog, questionnaireId: string, version?: number): QuestionInfo[] {
  const versions = catalog
    .all()
    .filter((q) => q.id === questionnaireId && (version === undefined || q.version === version))
    .sort((a, b) => b.version - a.version);
  const seen = new Map<string, QuestionInfo>();
  for (const q of versions) {
    for (const question of q.questions)
      if (!seen.has(question.id)) seen.set(question.id, { question, version: q.version });
  }
  return [...seen.values()];
}

export function questionnaireTitle(catalog: QuestionnaireCatalog, questionnaireId: string, locale: Locale): string {
  const q = catalog.get(questionnaireId);
  return q ? localized(q.title, locale) : questionnaireId;
}

export function distributionQuestions(questions: readonly QuestionInfo[]): DistributionQuestions {
  const counted: string[] = [];
  const ranking: string[] = [];
  const numeric: string[] = [];
  for (const { question } of questions) {
    switch (question.type) {
      case 'single_choice':
      case 'multiple_choice':
      case 'likert':
      case 'yes_no':
        counted.push(question.id);
        break;
      case 'ranking':
        counted.push(question.id);
        ranking.push(question.id);
        break;
      case 'number':
        counted.push(question.id);
        numeric.push(question.id);
        break;
      case 'short_text':
      case 'long_text':
      case 'date':
      case 'link':
        // Free answers have no distribution worth counting; they are read in the export.
        break;
      default: {
        const never: never = question;
        throw new Error(`unknown question type ${(never as Question).type}`);
      }
    }
  }
  return { counted, ranking, numeric };
}

export function likertScales(questions: readonly QuestionInfo[]): LikertScale[] {
  return questions.flatMap(({ question }) =>
    question.type === 'likert' ? [{ questionId: question.id, max: question.scale.max }] : [],
  );
}
