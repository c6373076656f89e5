// What a curator, tutor or staff member decides, wherever they decide it (the bot's review and
// consultation dialogs, the console): the change is stored, audited, fed to the stage rules, and
// the teacher's notice is returned for the caller to deliver on the teacher's channel.
import type { Activity } from '../domain/activity.js';
import type { ConsultationRequest } from '../domain/consultation.js';
import type { Repositories } from '../domain/repositories.js';
import { requiredActivities } from '../domain/stage-plan.js';
import { translator } from '../i18n/index.js';
import { reevaluateStages, stagePlanOf } from '../progress/service.js';

/** A text for one participant, to be sent on whatever channel reaches them. */
export interface Notice {
  participantId: string;
  text: string;
}

export type ActivityDecision =
  | { ok: true; activity: Activity; notices: Notice[] }
  | { ok: false; reason: 'already' | 'not_found' };

export async function decideActivity(
  repos: Repositories,
  input: { activityId: string; reviewerId: string; decision: 'accepted' | 'returned'; comment?: string; at: Date },
): Promise<ActivityDecision> {
  const { decision, at, reviewerId } = input;
  const comment = input.comment ?? '';
  const result = await repos.activities.review(input.activityId, {
    reviewerId,
    decision,
    ...(decision === 'returned' ? { comment } : input.comment ? { comment } : {}),
    at,
  });
  if (!result.ok) return { ok: false, reason: result.error.kind === 'not_found' ? 'not_found' : 'already' };
  const a = result.value;
  const notices: Notice[] = [];
  const teacher = await repos.participants.findById(a.participantId);
  if (teacher) {
    const t = translator(teacher.locale);
    if (decision === 'accepted') {
      const cohort = await repos.cohorts.findById(a.cohortId);
      const required = cohort ? requiredActivities(await stagePlanOf(repos, cohort)) : undefined;
      const accepted = await repos.activities.countAccepted(a.participantId, a.cohortId);
      notices.push({
        participantId: teacher.id,
        text: t('activity.accepted_notice', { title: a.title, accepted, required: required ?? accepted }),
      });
    } else {
      notices.push({ participantId: teacher.id, text: t('activity.returned_notice', { title: a.title, comment }) });
    }
  }
  const action = decision === 'accepted' ? 'activity.accepted' : 'activity.returned';
  await repos.audit.record({
    at,
    actor: reviewerId,
    action,
    subjectType: 'activity',
    subjectId: a.id,
    cohortId: a.cohortId,
  });
  await reevaluateStages(repos, {
    participantId: a.participantId,
    cohortId: a.cohortId,
    at,
    actor: reviewerId,
    kind: action,
  });
  return { ok: true, activity: a, notices };
}

export async function answerConsultationRequest(
  repos: Repositories,
  input: { requestId: string; authorId: string; text: string; at: Date },
): Promise<{ request: ConsultationRequest; notices: Notice[] } | undefined> {
  const request = await repos.consultations.addMessage(input.requestId, {
    authorId: input.authorId,
    fromTeacher: false,
    text: input.text,
    at: input.at,
  });
  if (!request) return undefined;
  await repos.consultations.setStatus(request.id, 'answered', input.at);
  const teacher = await repos.participants.findById(request.participantId);
  const notices = teacher
    ? [
        {
          participantId: teacher.id,
          text: translator(teacher.locale)('consultation.answer_notice', { topic: request.topic, answer: input.text }),
        },
      ]
    : [];
  return { request, notices };
}

export async function closeConsultationRequest(
  repos: Repositories,
  input: { requestId: string; at: Date },
): Promise<{ request: ConsultationRequest; notices: Notice[] } | undefined> {
  const request = await repos.consultations.setStatus(input.requestId, 'closed', input.at);
  if (!request) return undefined;
  const teacher = await repos.participants.findById(request.participantId);
  const notices = teacher
    ? [
        {
          participantId: teacher.id,
          text: translator(teacher.locale)('consultation.closed_notice', { topic: request.topic }),
        },
      ]
    : [];
  return { request, notices };
}
