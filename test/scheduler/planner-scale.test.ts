// The planner's faster doors give the same answers as the whole-year plan.
import { describe, expect, it } from 'vitest';
import {
  dueAt,
  nextSendAt,
  planCohort,
  planCohortCooperatively,
  planDue,
  planDueCooperatively,
  type PlannerInput,
  type PlannerTeacher,
} from '../../src/domain/post-course-plan.js';
import { sendKey, type ScheduledSend } from '../../src/domain/scheduled-send.js';
import { SendRecords } from '../../src/domain/send-records.js';
import { startOfLocalDay } from '../../src/domain/sending-window.js';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';

const TZ = 'Asia/Almaty';
const cohort = { id: 'c1', status: 'active' as const, courseEnd: startOfLocalDay('2026-03-20', TZ), timeZone: TZ };

function teachers(n: number): PlannerTeacher[] {
  return Array.from({ length: n }, (_, i) => ({
    participantId: `t${String(i).padStart(4, '0')}`,
    // Some joined late, some completed the exit survey, some have their activities.
    joinedAt: new Date(Date.parse('2026-03-10T08:00:00Z') + (i % 7) * 5 * 86_400_000),
    reachable: i % 11 !== 0,
    consented: true,
    optedOut: i % 13 === 0,
    anonymised: false,
    acceptedActivities: i % 4,
    completed: new Set(i % 2 ? ['exit|exit'] : []),
  }));
}

function log(): SendRecords {
  const entries = teachers(300)
    .filter((_, i) => i % 3 === 0)
    .map((t): [string, ScheduledSend] => {
      const k = { cohortId: 'c1', kind: 'invite' as const, occasion: 'entry', recipientId: t.participantId };
      const at = new Date('2026-03-23T04:00:00Z');
      return [
        sendKey(k),
        { ...k, key: sendKey(k), status: 'sent', dueAt: at, attemptedAt: at, sentAt: at, attempts: 1 },
      ];
    });
  return SendRecords.of(entries.map(([, s]) => s));
}

const curators = [{ participantId: 'cur', reachable: true, optedOut: false, anonymised: false }];

describe('planner at scale', () => {
  it.each(['2026-03-23T04:30:00Z', '2026-03-26T05:00:00Z', '2026-05-04T10:00:00Z', '2026-12-21T04:00:00Z'])(
    'planDue at %s is what is due in the full plan, and when the next send goes',
    async (at) => {
      const now = new Date(at);
      const input: PlannerInput = {
        cohort,
        plan: DEFAULT_STAGE_PLAN,
        teachers: teachers(300),
        curators,
        log: log(),
        now,
      };
      const all = planCohort(input);
      const expected = dueAt(all, now);
      const next = nextSendAt(all, now);
      const quick = planDue(input);
      expect(quick.due).toEqual(expected);
      expect(quick.next).toEqual(next);
      let pauses = 0;
      const pause = async () => {
        pauses++;
      };
      expect(await planDueCooperatively(input, pause)).toEqual(quick);
      expect(await planCohortCooperatively(input, pause)).toEqual(all);
      // 300 teachers, a step every 250 of them per pass over the list: it paused along the way.
      expect(pauses).toBeGreaterThan(4);
    },
  );
});
