// Small pieces the actions share: reading flow data, the person's cohorts, switching flows.
import type { Cohort } from '../../domain/cohort.js';
import type { Enrollment } from '../../domain/enrollment.js';
import type { Participant } from '../../domain/participant.js';
import { localDate } from '../../domain/calendar.js';
import type { Turn } from '../context.js';
import type { FlowRun } from '../sessions.js';

export function text(run: FlowRun, name: string): string {
  const value = run.data[name];
  if (typeof value !== 'string') throw new Error(`flow ${run.flowId}: "${name}" is not set`);
  return value;
}

export function optionalText(run: FlowRun, name: string): string | undefined {
  const value = run.data[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function me(turn: Turn): Participant {
  if (!turn.participant) throw new Error('this action needs a registered participant');
  return turn.participant;
}

export interface ActiveEnrollment {
  enrollment: Enrollment;
  cohort: Cohort;
}

/** The teacher's enrollments in cohorts still in their post-course year, newest first. */
export async function activeEnrollments(turn: Turn): Promise<ActiveEnrollment[]> {
  const { repos } = turn.services;
  const enrollments = await repos.enrollments.listByParticipant(me(turn).id);
  const result: ActiveEnrollment[] = [];
  for (const enrollment of enrollments.filter((e) => e.status === 'active')) {
    const cohort = await repos.cohorts.findById(enrollment.cohortId);
    if (cohort && cohort.status === 'active') result.push({ enrollment, cohort });
  }
  return result;
}

/** Puts the cohort into the flow data, with its time zone for date checks. */
export function useCohort(run: FlowRun, cohort: Cohort): void {
  run.data.cohortId = cohort.id;
  run.data.cohortTitle = cohort.title;
  run.data.timeZone = cohort.timeZone;
}

/** Picks the teacher's cohort when there is one; 'many' lets the flow ask, 'none' explains. */
export async function pickEnrollment(turn: Turn, run: FlowRun): Promise<'none' | 'one' | 'many'> {
  const active = await activeEnrollments(turn);
  if (active.length === 0) return 'none';
  if (active.length === 1) {
    useCohort(run, active[0]!.cohort);
    return 'one';
  }
  return 'many';
}

/** Hands the conversation to another flow; the runner continues with it. */
export function switchFlow(turn: Turn, flowId: string, data: FlowRun['data'] = {}): void {
  const flow = turn.services.flows.get(flowId);
  const first = flow?.steps[0];
  if (!flow || !first) throw new Error(`flow ${flowId} is not loaded`);
  turn.session.flow = { flowId, stepId: first.id, data, history: [] };
}

export function displayName(p: Participant | undefined): string {
  return p?.fullName ?? '—';
}

export function todayIn(turn: Turn, timeZone: string): string {
  return localDate(turn.services.now(), timeZone);
}
