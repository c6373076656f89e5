// Runs one questionnaire inside a flow: one question at a time, skip logic, back, skip, "other"
// follow-ups, a summary to confirm or change. Every answer is stored the moment it is given.
import type { Response } from '../domain/response.js';
import type { AnswerValue } from '../domain/response.js';
import {
  displayAnswer,
  forModel,
  isVisible,
  localized,
  nextQuestion,
  parseAnswer,
  parseOtherText,
  type AnswerInput,
  type Question,
  type Questionnaire,
} from '../questionnaires/index.js';
import { translator } from '../i18n/index.js';
import { recordResultLinks } from '../progress/result-links.js';
import { reevaluateStages, stagePlanOf } from '../progress/service.js';
import { computeRating, describeRating } from '../support-models/rating.js';
import { routeConsultation } from './actions/consultation.js';
import type { Turn } from './context.js';
import { promptFor } from './prompt.js';
import type { FlowRun, QuestionnaireRun, QuestionnaireStep } from './sessions.js';

export interface AnswerEvent {
  input: AnswerInput;
  control?: 'back' | 'skip';
}

const SUBMIT = 'submit';
const EDIT = 'edit';
/** Telegram caps a message at 4,096 characters; the summary is split below that. */
const MESSAGE_BUDGET = 3500;
const ANSWER_PREVIEW = 300;

function answersOf(response: Response): Map<string, AnswerValue | null> {
  return new Map(response.answers.map((a) => [a.questionId, a.value]));
}

/** How sessions saved before the tagged step kept it: four flags. */
interface FlaggedRun {
  questionId?: string;
  awaitingOtherText?: boolean;
  confirming?: boolean;
  choosingEdit?: boolean;
  editing?: boolean;
}

/** The run's step; a session saved with the older flags is read into the same states. */
export function stepOf(qr: QuestionnaireRun): QuestionnaireStep | undefined {
  if (qr.step) return qr.step;
  const old = qr as QuestionnaireRun & FlaggedRun;
  if (old.confirming) return { kind: 'confirming' };
  if (old.choosingEdit) return { kind: 'choosing-edit' };
  if (old.questionId === undefined) return undefined;
  const at = { questionId: old.questionId, editing: old.editing === true };
  return old.awaitingOtherText ? { kind: 'other-text', ...at } : { kind: 'asking', ...at };
}

/** Moves the run to `step`, dropping the older flags if the session still had them. */
function enter(qr: QuestionnaireRun, step: QuestionnaireStep): void {
  const old = qr as QuestionnaireRun & FlaggedRun;
  delete old.questionId;
  delete old.awaitingOtherText;
  delete old.confirming;
  delete old.choosingEdit;
  delete old.editing;
  qr.step = step;
}

const isEditing = (step: QuestionnaireStep | undefined): boolean =>
  (step?.kind === 'asking' || step?.kind === 'other-text') && step.editing;

export function createQuestionnaireRunner({ today }: { today: (turn: Turn) => string }) {
  function definition(turn: Turn, qr: QuestionnaireRun): Questionnaire {
    const q = turn.services.questionnaires.get(qr.questionnaireId, qr.version);
    if (!q) throw new Error(`questionnaire ${qr.questionnaireId} v${qr.version} is not loaded`);
    return forModel(q, qr.model);
  }

  async function response(turn: Turn, qr: QuestionnaireRun): Promise<Response> {
    const r = await turn.services.repos.responses.findById(qr.responseId);
    if (!r) throw new Error(`response ${qr.responseId} vanished`);
    return r;
  }

  /** Puts `question` on screen; `editing` stays as it was unless given. */
  function ask(
    turn: Turn,
    qr: QuestionnaireRun,
    question: Question,
    q: Questionnaire,
    editing = isEditing(stepOf(qr)),
  ): void {
    enter(qr, { kind: 'asking', questionId: question.id, editing });
    const position = q.questions.indexOf(question) + 1;
    const prefix = turn.t('questionnaire.progress', { n: position, total: q.questions.length });
    turn.reply(promptFor(turn, question, { canGoBack: qr.history.length > 0 || editing, prefix: `${prefix}\n` }));
  }

  /** The first visible question not yet answered, in order: where a resumed run picks up. */
  function firstOpen(q: Questionnaire, answers: Map<string, AnswerValue | null>): Question | undefined {
    return q.questions.find((question) => isVisible(question, answers) && !answers.has(question.id));
  }

  function summary(turn: Turn, qr: QuestionnaireRun, q: Questionnaire, r: Response): void {
    const answers = answersOf(r);
    const otherTexts = new Map(r.answers.filter((a) => a.otherText).map((a) => [a.questionId, a.otherText]));
    const locale = turn.session.locale;
    const lines = q.questions
      .filter((question) => isVisible(question, answers))
      .map((question, i) => {
        const other = otherTexts.get(question.id);
        const shown =
          displayAnswer(question, answers.get(question.id) ?? null, locale) + (other ? ` («${other}»)` : '');
        const preview = shown.length > ANSWER_PREVIEW ? `${shown.slice(0, ANSWER_PREVIEW)}…` : shown;
        return `${i + 1}. ${localized(question.text, locale)}\n— ${preview || turn.t('questionnaire.no_answer')}`;
      });
    const chunks: string[] = [];
    let current = turn.t('questionnaire.summary_title');
    for (const line of lines) {
      if (current.length + line.length + 2 > MESSAGE_BUDGET) {
        chunks.push(current);
        current = line;
      } else current += `\n\n${line}`;
    }
    chunks.push(current);
    for (const text of chunks) turn.reply({ kind: 'text', text });
    enter(qr, { kind: 'confirming' });
    turn.session.promptRef += 1;
    turn.reply({
      kind: 'prompt',
      ref: String(turn.session.promptRef),
      locale,
      text: turn.t('questionnaire.confirm'),
      options: [
        { id: SUBMIT, label: turn.t('questionnaire.submit') },
        { id: EDIT, label: turn.t('questionnaire.edit') },
      ],
      canSkip: false,
      canGoBack: false,
    });
  }

  function chooseEdit(turn: Turn, qr: QuestionnaireRun, q: Questionnaire, r: Response): void {
    const answers = answersOf(r);
    const visible = q.questions.filter((question) => isVisible(question, answers));
    enter(qr, { kind: 'choosing-edit' });
    turn.session.promptRef += 1;
    turn.reply({
      kind: 'prompt',
      ref: String(turn.session.promptRef),
      locale: turn.session.locale,
      text: turn.t('questionnaire.which_to_edit'),
      options: visible.map((question, i) => {
        const text = localized(question.text, turn.session.locale);
        return { id: question.id, label: `${i + 1}. ${text.length > 60 ? `${text.slice(0, 60)}…` : text}` };
      }),
      canSkip: false,
      canGoBack: true,
    });
  }

  /** Asks what comes next: the next open question, or the summary when all are answered. */
  function proceed(turn: Turn, qr: QuestionnaireRun, q: Questionnaire, r: Response, after?: string): void {
    const answers = answersOf(r);
    const next = isEditing(stepOf(qr))
      ? firstOpen(q, answers)
      : (nextQuestion(q, answers, after) ?? firstOpen(q, answers));
    if (next) ask(turn, qr, next, q);
    else summary(turn, qr, q, r);
  }

  /** Answers that ask for help (`opensConsultation`) reach a tutor or curator, with what was said. */
  async function openRequestedConsultations(
    turn: Turn,
    q: Questionnaire,
    r: Response,
    answers: Map<string, AnswerValue | null>,
  ): Promise<void> {
    const teacher = turn.participant;
    if (!teacher) return;
    const locale = turn.session.locale;
    for (const question of q.questions) {
      const wanted = question.opensConsultation;
      const value = answers.get(question.id);
      if (!wanted || value === undefined || value === null || !isVisible(question, answers)) continue;
      const opens =
        wanted === true
          ? value !== false
          : (Array.isArray(value) ? value : [String(value)]).some((v) => wanted.includes(v));
      if (!opens) continue;
      // The question, its answer, and the answers to the questions it opened (topic, kind, dates).
      const related = q.questions.filter(
        (other) =>
          other.id === question.id ||
          (other.showIf !== undefined && JSON.stringify(other.showIf).includes(`"question":"${question.id}"`)),
      );
      const description = related
        .filter((other) => isVisible(other, answers) && answers.has(other.id) && answers.get(other.id) !== null)
        .map(
          (other) =>
            `${localized(other.text, locale)} — ${displayAnswer(other, answers.get(other.id) ?? null, locale)}`,
        )
        .join('\n');
      const assigneeId = await routeConsultation(turn, {
        teacher,
        cohortId: r.cohortId,
        topic: localized(q.title, locale),
        description,
      });
      // The questionnaire's outro says the request went to the tutor or curator; say so only without one,
      // and say the truth when the cohort has nobody to route it to.
      if (!assigneeId) turn.say('consultation.opened_unassigned');
      else if (!q.outro) turn.say('consultation.opened_from_answer');
    }
  }

  /**
   * Links given in answers reach the cohort's curators, who review the teachers' materials: the
   * shipped questionnaires promise it ("мы передадим её куратору", "куратор проверит ссылки").
   */
  async function forwardLinks(
    turn: Turn,
    q: Questionnaire,
    r: Response,
    answers: Map<string, AnswerValue | null>,
  ): Promise<void> {
    const links = q.questions.filter(
      (question) =>
        question.type === 'link' && isVisible(question, answers) && typeof answers.get(question.id) === 'string',
    );
    if (links.length === 0) return;
    const cohort = await turn.services.repos.cohorts.findById(r.cohortId);
    if (!cohort) return;
    for (const curator of await turn.services.repos.participants.findByIds(cohort.curatorIds)) {
      const text = translator(curator.locale)('questionnaire.links_to_curator', {
        teacher: turn.participant?.fullName ?? '—',
        title: localized(q.title, curator.locale),
        cohortTitle: cohort.title,
        links: links
          .map((question) => `${localized(question.text, curator.locale)} — ${String(answers.get(question.id))}`)
          .join('\n'),
      });
      turn.notify(curator.id, text);
    }
  }

  /** The teacher sees the model's ratings of what they just finished (seed 002: self-assessment). */
  async function showRatings(turn: Turn, r: Response): Promise<void> {
    const cohort = await turn.services.repos.cohorts.findById(r.cohortId);
    if (!cohort || !turn.services.models) return;
    const plan = await stagePlanOf(turn.services.repos, cohort);
    const model =
      turn.services.models.get(plan.model ?? '') ?? (plan.model ? undefined : turn.services.models.default());
    const completed = await turn.services.repos.responses.findById(r.id);
    for (const rating of model?.ratings ?? []) {
      if (rating.questionnaireId !== r.questionnaireId || !completed) continue;
      turn.reply({
        kind: 'text',
        text: describeRating(rating, computeRating(rating, completed.answers), turn.session.locale),
      });
    }
  }

  async function complete(turn: Turn, run: FlowRun, q: Questionnaire, r: Response): Promise<void> {
    const answers = answersOf(r);
    // Answers to questions that skip logic hid after a change are not part of the response.
    for (const question of q.questions) {
      if (answers.has(question.id) && !isVisible(question, answers)) {
        await turn.services.repos.responses.removeAnswer(r.id, question.id);
      }
    }
    const completed = await turn.services.repos.responses.complete(r.id, turn.services.now());
    // Its links wait for the link checker: a stage needing a live link stays in progress until then.
    if (completed) await recordResultLinks(turn.services.repos, completed, turn.services.now());
    const event = {
      participantId: r.participantId,
      cohortId: r.cohortId,
      at: turn.services.now(),
      actor: r.participantId,
    } as const;
    await reevaluateStages(turn.services.repos, { ...event, kind: 'questionnaire.completed' });
    await openRequestedConsultations(turn, q, r, answers);
    await forwardLinks(turn, q, r, answers);
    turn.reply({
      kind: 'text',
      text: q.outro ? localized(q.outro, turn.session.locale) : turn.t('questionnaire.thanks'),
    });
    await showRatings(turn, r);
    run.questionnaire = undefined;
  }

  return {
    /** Starts or resumes the questionnaire named in run.data; false when there is nothing to ask. */
    async begin(turn: Turn, run: FlowRun, fromVar: string): Promise<boolean> {
      const questionnaireId = run.data[fromVar];
      const occasion = run.data.occasion;
      const cohortId = run.data.cohortId;
      const participantId = turn.participant?.id;
      if (
        typeof questionnaireId !== 'string' ||
        typeof occasion !== 'string' ||
        typeof cohortId !== 'string' ||
        !participantId
      ) {
        throw new Error(`questionnaire step needs ${fromVar}, occasion and cohortId in the flow data`);
      }
      const existing = await turn.services.repos.responses.find({ participantId, cohortId, questionnaireId, occasion });
      const loaded = existing
        ? turn.services.questionnaires.get(questionnaireId, existing.questionnaireVersion)
        : turn.services.questionnaires.get(questionnaireId);
      // Questions a support model adds (seed 003's diagnosis in the entry) go to its cohorts' teachers only.
      const cohort = await turn.services.repos.cohorts.findById(cohortId);
      const model = cohort ? (await stagePlanOf(turn.services.repos, cohort)).model : undefined;
      const q = loaded ? forModel(loaded, model) : undefined;
      if (!q) {
        turn.say('questionnaire.not_available');
        return false;
      }
      if (existing?.status === 'completed') {
        turn.say('questionnaire.already_completed', { title: localized(q.title, turn.session.locale) });
        return false;
      }
      const { response: r, created } = await turn.services.repos.responses.startOrResume({
        participantId,
        cohortId,
        questionnaireId,
        occasion,
        questionnaireVersion: q.version,
        at: turn.services.now(),
      });
      const qr: QuestionnaireRun = {
        responseId: r.id,
        questionnaireId,
        version: r.questionnaireVersion,
        history: r.answers.map((a) => a.questionId),
        ...(model ? { model } : {}),
      };
      run.questionnaire = qr;
      const title = localized(q.title, turn.session.locale);
      if (created) {
        turn.reply({ kind: 'text', text: q.intro ? `${title}\n\n${localized(q.intro, turn.session.locale)}` : title });
      } else {
        turn.say('questionnaire.resumed', { title, answered: r.answers.length, total: q.questions.length });
      }
      proceed(turn, qr, q, r);
      return true;
    },

    /** Handles an answer; true when the questionnaire is finished and the flow may go on. */
    async answer(turn: Turn, run: FlowRun, event: AnswerEvent): Promise<boolean> {
      const qr = run.questionnaire;
      if (!qr) return true;
      const q = definition(turn, qr);
      const responses = turn.services.repos.responses;
      let r = await response(turn, qr);
      const ctx = { locale: turn.session.locale, today: today(turn) };
      const step = stepOf(qr);
      if (!step) {
        proceed(turn, qr, q, r);
        return false;
      }

      switch (step.kind) {
        case 'confirming': {
          const choice = event.input.optionIds?.[0] ?? '';
          const text = (event.input.text ?? '').trim().toLowerCase();
          if (choice === SUBMIT || text === '1' || text === turn.t('questionnaire.submit').toLowerCase()) {
            await complete(turn, run, q, r);
            return true;
          }
          if (choice === EDIT || text === '2' || text === turn.t('questionnaire.edit').toLowerCase()) {
            chooseEdit(turn, qr, q, r);
            return false;
          }
          turn.reject('questionnaire.choose_submit_or_edit');
          summary(turn, qr, q, r);
          return false;
        }

        case 'choosing-edit': {
          if (event.control === 'back') {
            summary(turn, qr, q, r);
            return false;
          }
          const answers = answersOf(r);
          const visible = q.questions.filter((question) => isVisible(question, answers));
          const text = (event.input.text ?? '').trim();
          const picked = event.input.optionIds?.[0] ?? (/^\d+$/.test(text) ? visible[Number(text) - 1]?.id : undefined);
          const question = visible.find((v) => v.id === picked);
          if (!question) {
            turn.reject('questionnaire.pick_question_number', { max: visible.length });
            chooseEdit(turn, qr, q, r);
            return false;
          }
          ask(turn, qr, question, q, true);
          return false;
        }

        case 'asking':
        case 'other-text': {
          const question = q.questions.find((x) => x.id === step.questionId);
          if (!question) {
            proceed(turn, qr, q, r);
            return false;
          }

          if (event.control === 'back') {
            if (step.editing) {
              summary(turn, qr, q, r);
              return false;
            }
            let previous = qr.history.pop();
            while (previous === question.id) previous = qr.history.pop();
            const back = q.questions.find((x) => x.id === previous);
            if (back) ask(turn, qr, back, q);
            else {
              turn.say('questionnaire.first_question');
              ask(turn, qr, question, q);
            }
            return false;
          }

          const answeredAt = turn.services.now();
          if (step.kind === 'other-text') {
            const parsed = parseOtherText(question, event.input, ctx);
            if (!parsed.ok) {
              turn.reject(parsed.error.key, parsed.error.params);
              turn.say('questionnaire.specify_other');
              return false;
            }
            const previous = r.answers.find((a) => a.questionId === question.id);
            const saved = await responses.saveAnswer(r.id, {
              questionId: question.id,
              value: previous?.value ?? null,
              otherText: String(parsed.value),
              skipped: false,
              answeredAt,
            });
            r = saved ?? r;
            enter(qr, { kind: 'asking', questionId: question.id, editing: step.editing });
            proceed(turn, qr, q, r, question.id);
            return false;
          }

          if (event.control === 'skip') {
            if (question.required) {
              turn.reject('flow.cannot_skip');
              ask(turn, qr, question, q);
              return false;
            }
            r =
              (await responses.saveAnswer(r.id, { questionId: question.id, value: null, skipped: true, answeredAt })) ??
              r;
          } else {
            const parsed = parseAnswer(question, event.input, ctx);
            if (!parsed.ok) {
              turn.reject(parsed.error.key, parsed.error.params);
              ask(turn, qr, question, q);
              return false;
            }
            const saved = await responses.saveAnswer(r.id, {
              questionId: question.id,
              value: parsed.value,
              skipped: false,
              answeredAt,
            });
            r = saved ?? r;
            if (parsed.needsOtherText) {
              if (!qr.history.includes(question.id)) qr.history.push(question.id);
              enter(qr, { kind: 'other-text', questionId: question.id, editing: step.editing });
              turn.say('questionnaire.specify_other');
              return false;
            }
          }
          if (!qr.history.includes(question.id)) qr.history.push(question.id);
          proceed(turn, qr, q, r, question.id);
          return false;
        }

        default: {
          const unknown: never = step;
          throw new Error(`unknown questionnaire step ${JSON.stringify(unknown)}`);
        }
      }
    },

    async reprompt(turn: Turn, run: FlowRun): Promise<void> {
      const qr = run.questionnaire;
      if (!qr) return;
      const q = definition(turn, qr);
      const r = await response(turn, qr);
      const step = stepOf(qr);
      switch (step?.kind) {
        case undefined:
          return proceed(turn, qr, q, r);
        case 'confirming':
          return summary(turn, qr, q, r);
        case 'choosing-edit':
          return chooseEdit(turn, qr, q, r);
        case 'asking':
        case 'other-text': {
          const question = q.questions.find((x) => x.id === step.questionId);
          if (!question) return proceed(turn, qr, q, r);
          if (step.kind === 'other-text') return turn.say('questionnaire.specify_other');
          return ask(turn, qr, question, q);
        }
        default: {
          const unknown: never = step;
          throw new Error(`unknown questionnaire step ${JSON.stringify(unknown)}`);
        }
      }
    },
  };
}
