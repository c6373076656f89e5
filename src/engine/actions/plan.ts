// The teacher's individual plan (flows/plan.yaml) and the tutor's or curator's view of the plans
// (flows/plans.yaml): planned activities by type, level and month, set against those accepted; who
// is behind their own plan by the model's margin; comments the teacher receives.
import { randomUUID } from 'node:crypto';
import { ACTIVITY_LEVELS, ACTIVITY_TYPES, type ActivityLevel, type ActivityType } from '../../domain/activity.js';
import { formatLocalDate, localDate } from '../../domain/calendar.js';
import type { Cohort } from '../../domain/cohort.js';
import type { Enrollment } from '../../domain/enrollment.js';
import { isBehindPlan, MAX_PLANNED, planVsDone, yearMonths, type PlanVsDone } from '../../domain/individual-plan.js';
import type { Locale } from '../../domain/locale.js';
import { postCourseYear } from '../../domain/stage-plan.js';
import { translator, type MessageKey, type Translate } from '../../i18n/index.js';
import { stagePlanOf, teachersWithoutTutor } from '../../progress/service.js';
import { teacherDiagnosis } from '../../support-models/diagnosis.js';
import type { FlowHandlers, Services, Turn } from '../context.js';
import { displayName, me, optionalText, text, todayIn } from './common.js';

const monthLabel = (locale: Locale, month: string) =>
  new Intl.DateTimeFormat(locale, { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );

/** The margin the cohort's model sets for "behind plan" (seed-neutral: the default model's otherwise). */
export async function behindMargin(services: Services, cohort: Cohort): Promise<number> {
  const plan = await stagePlanOf(services.repos, cohort);
  const model = plan.model ? services.models?.get(plan.model) : undefined;
  // A model without an individual plan still lets the curator see plans; one activity behind is the smallest margin.
  return model?.individualPlan?.behindBy ?? services.models?.default()?.individualPlan?.behindBy ?? 1;
}

/** Planned against done for one enrolled teacher, on today's date in the cohort's zone. */
export async function planStateOf(services: Services, cohort: Cohort, enrollment: Enrollment): Promise<PlanVsDone> {
  const activities = await services.repos.activities.listByParticipant(enrollment.participantId, cohort.id);
  const accepted = activities.filter((a) => a.status === 'accepted').map((a) => ({ type: a.type, level: a.level }));
  return planVsDone(enrollment.plan, accepted, localDate(services.now(), cohort.timeZone));
}

/** The plan as lines a person reads: items with ✓ where done, the summary, comments. */
export function describePlan(
  t: Translate,
  locale: Locale,
  state: PlanVsDone,
  enrollment: Enrollment,
  timeZone: string,
): string[] {
  if (state.planned === 0) return [t('plan.empty')];
  const lines = state.items.map((i) =>
    t('plan.item', {
      mark: i.done ? '✓' : '•',
      month: monthLabel(locale, i.month),
      type: t(`activity.type_${i.type}` as MessageKey),
      level: t(`activity.level_${i.level}` as MessageKey),
    }),
  );
  lines.push(t('plan.summary', { planned: state.planned, due: state.due, accepted: state.accepted }));
  const comments = enrollment.plan?.comments ?? [];
  if (comments.length > 0) {
    lines.push(t('plan.comments_title'));
    for (const c of comments)
      lines.push(t('plan.comment_line', { date: formatLocalDate(localDate(c.at, timeZone)), text: c.text }));
  }
  return lines;
}

async function myEnrollment(turn: Turn, cohortId: string): Promise<Enrollment | undefined> {
  return turn.services.repos.enrollments.find(me(turn).id, cohortId);
}

/** Cohorts where the person is a curator or a tutor (staff: all running ones). */
async function supportedCohorts(turn: Turn): Promise<Cohort[]> {
  const { repos } = turn.services;
  const p = me(turn);
  const cohorts = p.isStaff ? await repos.cohorts.listByStatus('active') : await repos.cohorts.listForStaffMember(p.id);
  return cohorts.filter(
    (c) => c.status === 'active' && (p.isStaff || c.curatorIds.includes(p.id) || c.tutorIds.includes(p.id)),
  );
}

/**
 * In a tutor model (seed 003): who the teacher's tutor is (or that they have none), and their
 * diagnosis from the entry questionnaire. Nothing for models without a tutor or a diagnosis.
 */
async function tutoringLines(turn: Turn, cohort: Cohort, enrollment: Enrollment): Promise<string[]> {
  const { repos, models, questionnaires } = turn.services;
  const modelId = (await stagePlanOf(repos, cohort)).model;
  const model = modelId ? models?.get(modelId) : undefined;
  if (!model) return [];
  const lines: string[] = [];
  if (model.tutorRequired || enrollment.tutorId) {
    const tutor = enrollment.tutorId ? await repos.participants.findById(enrollment.tutorId) : undefined;
    lines.push(tutor ? turn.t('plans.tutor_line', { tutor: displayName(tutor) }) : turn.t('plans.no_tutor'));
  }
  const found = await teacherDiagnosis(
    repos,
    model,
    questionnaires,
    { cohortId: cohort.id, participantId: enrollment.participantId },
    turn.session.locale,
  );
  if (found) {
    if (found.length === 0) lines.push(turn.t('plans.diagnosis_none'));
    else
      lines.push(
        turn.t('plans.diagnosis_title'),
        ...found.map((l) => turn.t('plans.diagnosis_line', { label: l.label, value: l.value })),
      );
  }
  return lines;
}

export const plan: Pick<FlowHandlers, 'actions' | 'optionSources'> = {
  optionSources: {
    async plan_actions(turn, run) {
      const enrollment = await myEnrollment(turn, text(run, 'cohortId'));
      const options = [{ id: '1', label: turn.t('plan.add'), value: 'add' }];
      if ((enrollment?.plan?.items.length ?? 0) > 0)
        options.push({ id: '2', label: turn.t('plan.remove'), value: 'remove' });
      options.push({ id: String(options.length + 1), label: turn.t('plan.done'), value: 'done' });
      return options;
    },
    async plan_months(turn, run) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort) return [];
      const thisMonth = todayIn(turn, cohort.timeZone).slice(0, 7);
      // Months of the teacher's post-course year still to come (this one included).
      return yearMonths(postCourseYear(cohort))
        .filter((m) => m >= thisMonth)
        .map((m, i) => ({ id: String(i + 1), label: monthLabel(turn.session.locale, m), value: m }));
    },
    async plan_items(turn, run) {
      const enrollment = await myEnrollment(turn, text(run, 'cohortId'));
      const items = [...(enrollment?.plan?.items ?? [])].sort((a, b) => a.month.localeCompare(b.month));
      return items.map((item, i) => ({
        id: String(i + 1),
        label: `${monthLabel(turn.session.locale, item.month)}: ${turn.t(`activity.type_${item.type}` as MessageKey)}`,
        value: item.id,
      }));
    },
    async supported_cohorts(turn) {
      return (await supportedCohorts(turn)).map((c, i) => ({ id: String(i + 1), label: c.title, value: c.id }));
    },
  },
  actions: {
    async show_plan(turn, run) {
      const cohortId = text(run, 'cohortId');
      const cohort = await turn.services.repos.cohorts.findById(cohortId);
      const enrollment = await myEnrollment(turn, cohortId);
      if (!cohort || !enrollment) return undefined;
      const state = await planStateOf(turn.services, cohort, enrollment);
      const lines = [
        turn.t('plan.title', { cohortTitle: cohort.title }),
        ...describePlan(turn.t, turn.session.locale, state, enrollment, cohort.timeZone),
      ];
      if (isBehindPlan(state, await behindMargin(turn.services, cohort)))
        lines.push(turn.t('plan.behind', { behind: state.behind }));
      turn.reply({ kind: 'text', text: lines.join('\n') });
      return undefined;
    },
    async check_plan_room(turn, run) {
      const enrollment = await myEnrollment(turn, text(run, 'cohortId'));
      if ((enrollment?.plan?.items.length ?? 0) < MAX_PLANNED) return undefined;
      turn.say('plan.full', { max: MAX_PLANNED });
      return 'full';
    },
    async add_planned(turn, run) {
      const enrollment = await myEnrollment(turn, text(run, 'cohortId'));
      const type = text(run, 'type') as ActivityType;
      const level = text(run, 'level') as ActivityLevel;
      if (!enrollment || !ACTIVITY_TYPES.includes(type) || !ACTIVITY_LEVELS.includes(level)) return undefined;
      const items = [
        ...(enrollment.plan?.items ?? []),
        { id: randomUUID().slice(0, 8), type, level, month: text(run, 'month') },
      ];
      await turn.services.repos.enrollments.setPlanItems(
        enrollment.id,
        items.slice(0, MAX_PLANNED),
        turn.services.now(),
      );
      turn.say('plan.added');
      return undefined;
    },
    async remove_planned(turn, run) {
      const enrollment = await myEnrollment(turn, text(run, 'cohortId'));
      if (!enrollment) return undefined;
      const items = (enrollment.plan?.items ?? []).filter((i) => i.id !== text(run, 'itemId'));
      await turn.services.repos.enrollments.setPlanItems(enrollment.id, items, turn.services.now());
      turn.say('plan.removed');
      return undefined;
    },

    async pick_supported_cohort(turn, run) {
      const cohorts = await supportedCohorts(turn);
      if (cohorts.length === 0) return 'none';
      if (cohorts.length > 1) return undefined;
      run.data.cohortId = cohorts[0]!.id;
      return 'one';
    },
    async show_behind(turn, run) {
      const { repos } = turn.services;
      const cohort = await repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort) return undefined;
      const enrollments = await repos.enrollments.listByCohort(cohort.id, 'active');
      if (enrollments.length === 0) {
        turn.say('plans.no_teachers');
        return 'empty';
      }
      const margin = await behindMargin(turn.services, cohort);
      const people = new Map(
        (await repos.participants.findByIds(enrollments.map((e) => e.participantId))).map((p) => [p.id, p]),
      );
      const behind: string[] = [];
      for (const e of enrollments) {
        const state = await planStateOf(turn.services, cohort, e);
        if (isBehindPlan(state, margin)) {
          behind.push(
            turn.t('plans.behind_line', {
              teacher: displayName(people.get(e.participantId)),
              due: state.due,
              accepted: state.accepted,
            }),
          );
        }
      }
      behind.sort((a, b) => a.localeCompare(b, 'ru'));
      turn.reply({
        kind: 'text',
        text:
          behind.length > 0
            ? [turn.t('plans.behind_title', { margin }), ...behind].join('\n')
            : turn.t('plans.behind_none', { margin }),
      });
      // Seed 003: in a tutor model, who still has no tutor (they joined while the cohort had none).
      const untutored = (await teachersWithoutTutor(repos, cohort))
        .map((e) => displayName(people.get(e.participantId)))
        .sort((a, b) => a.localeCompare(b, 'ru'));
      if (untutored.length > 0)
        turn.reply({
          kind: 'text',
          text: turn.t('plans.without_tutor', { count: untutored.length, names: untutored.join(', ') }),
        });
      return undefined;
    },
    async show_teacher_plan(turn, run) {
      const { repos } = turn.services;
      const cohort = await repos.cohorts.findById(text(run, 'cohortId'));
      const enrollment = await repos.enrollments.find(text(run, 'teacherId'), text(run, 'cohortId'));
      if (!cohort || !enrollment) return undefined;
      const teacher = await repos.participants.findById(enrollment.participantId);
      const state = await planStateOf(turn.services, cohort, enrollment);
      const body =
        state.planned === 0
          ? [turn.t('plans.no_plan')]
          : describePlan(turn.t, turn.session.locale, state, enrollment, cohort.timeZone);
      const support = await tutoringLines(turn, cohort, enrollment);
      turn.reply({
        kind: 'text',
        text: [turn.t('plans.teacher_title', { teacher: displayName(teacher) }), ...support, ...body].join('\n'),
      });
      return undefined;
    },
    async comment_plan(turn, run) {
      const { repos } = turn.services;
      const comment = optionalText(run, 'comment')?.trim();
      if (!comment) {
        turn.say('plans.no_comment');
        return undefined;
      }
      const cohort = await repos.cohorts.findById(text(run, 'cohortId'));
      const enrollment = await repos.enrollments.find(text(run, 'teacherId'), text(run, 'cohortId'));
      if (!cohort || !enrollment) return undefined;
      await repos.enrollments.addPlanComment(enrollment.id, {
        by: me(turn).id,
        at: turn.services.now(),
        text: comment.slice(0, 1000),
      });
      const teacher = await repos.participants.findById(enrollment.participantId);
      if (teacher)
        turn.notify(
          teacher.id,
          translator(teacher.locale)('plan.comment_notice', { cohortTitle: cohort.title, comment }),
        );
      turn.say('plans.commented');
      return undefined;
    },
  },
};
