// A post-course scheduler over the embedded store with a clock the test moves and a fake Telegram
// that records every message: a cohort's year runs in fast time by jumping from one due instant to
// the next and running the cohort job there, as Agenda would.
import { DateTime } from 'luxon';
import { enrollInCohort } from '../../src/progress/service.js';
import { idOn } from '../../src/domain/participant.js';
import type { Cohort } from '../../src/domain/cohort.js';
import type { Participant } from '../../src/domain/participant.js';
import { DEFAULT_STAGE_PLAN } from '../../src/domain/stage-plan.js';
import { createDispatcher } from '../../src/delivery/dispatcher.js';
import type { ChannelSender, SendOutcome } from '../../src/delivery/ports.js';
import type { OutboundMessage } from '../../src/engine/events.js';
import { createSputnikEngine } from '../../src/engine/index.js';
import { createScheduler, type Scheduler } from '../../src/scheduler/agenda.js';
import {
  createPostCourseScheduler,
  type PostCourseDeps,
  type PostCourseScheduler,
} from '../../src/scheduler/post-course.js';
import type { Store } from '../../src/store/index.js';
import { type Clock, content, testSettings } from '../support/engine-harness.js';
import { silentLogger } from '../support/store.js';

export interface SentMessage {
  at: Date;
  chatId: string;
  text: string;
}

export class Rig {
  readonly sent: SentMessage[] = [];
  readonly scheduler: Scheduler;
  /** Lets a test make one chat's send hang (a process dying mid-send) or fail. */
  reply: (chatId: string) => Promise<SendOutcome> = async () => ({ ok: true });
  private nextTelegramId = 7000;

  constructor(
    readonly store: Store,
    readonly clock: Clock,
  ) {
    this.scheduler = createScheduler({ db: store.connection.db!, logger: silentLogger, processEveryMs: 100 });
  }

  /** One scheduler process: its own engine and dispatcher over the shared store and fake Telegram. */
  postCourse(extra: Partial<PostCourseDeps> = {}): PostCourseScheduler {
    const sender: ChannelSender = {
      channel: 'telegram',
      send: async (chatId: string, message: OutboundMessage) => {
        const outcome = await this.reply(chatId);
        if (outcome.ok) this.sent.push({ at: this.clock.now(), chatId, text: message.text });
        return outcome;
      },
    };
    const repos = this.store.repositories;
    const engine = createSputnikEngine({
      repos,
      sessions: this.store.sessions,
      content: content(),
      settings: testSettings,
      logger: silentLogger,
      now: this.clock.now,
    });
    const dispatcher = createDispatcher({ senders: [sender], repos, logger: silentLogger, now: this.clock.now });
    return createPostCourseScheduler({
      scheduler: this.scheduler,
      repos,
      engine,
      dispatcher,
      content: content(),
      logger: silentLogger,
      now: this.clock.now,
      ...extra,
    });
  }

  /** A teacher who wrote to the bot on Telegram and gave consent, enrolled in the cohort. */
  async teacher(
    cohortId: string,
    fullName: string,
    options: { locale?: 'ru' | 'kk' | 'en'; optedOut?: boolean; joinedAt?: Date } = {},
  ): Promise<Participant> {
    const repos = this.store.repositories;
    const created = await repos.participants.create({
      fullName,
      addresses: [{ channel: 'telegram', id: String(this.nextTelegramId++) }],
      locale: options.locale ?? 'ru',
    });
    if (!created.ok) throw new Error('teacher fixture');
    await repos.participants.recordConsent(created.value.id, 'test-1', this.clock.now());
    if (options.optedOut) await repos.participants.setRemindersOptOut(created.value.id, this.clock.now());
    await enrollInCohort(repos, {
      participantId: created.value.id,
      cohortId,
      at: options.joinedAt ?? this.clock.now(),
    });
    return (await repos.participants.findById(created.value.id))!;
  }

  /** Gives an imported curator a Telegram chat, as their first message to the bot would. */
  async connect(participantId: string): Promise<Participant> {
    const updated = await this.store.repositories.participants.linkAddress(participantId, {
      channel: 'telegram',
      id: String(this.nextTelegramId++),
    });
    if (!updated?.ok) throw new Error('connect fixture');
    return updated.value;
  }

  /** The teacher completes the plan questionnaire of that occasion (as if through the dialog). */
  async answer(participantId: string, cohortId: string, occasion: string): Promise<void> {
    const q = DEFAULT_STAGE_PLAN.questionnaires.find((x) => x.occasion === occasion);
    if (!q) throw new Error(`no questionnaire for ${occasion}`);
    const responses = this.store.repositories.responses;
    const { response } = await responses.startOrResume({
      participantId,
      cohortId,
      questionnaireId: q.questionnaireId,
      occasion,
      questionnaireVersion: 1,
      at: this.clock.now(),
    });
    await responses.complete(response.id, this.clock.now());
  }

  /**
   * Runs the cohorts' jobs from due instant to due instant until `until`, as Agenda would with
   * real time. `after` sees each run's new send-log records (to let teachers answer in between).
   */
  async runUntil(
    runner: PostCourseScheduler,
    cohortIds: readonly string[],
    until: Date,
    after?: (at: Date) => Promise<void>,
  ): Promise<number> {
    const next = new Map<string, Date | undefined>(cohortIds.map((id) => [id, this.clock.now()]));
    let runs = 0;
    for (;;) {
      let soonest: Date | undefined;
      for (const at of next.values()) if (at && (!soonest || at < soonest)) soonest = at;
      if (!soonest || soonest > until) return runs;
      if (soonest > this.clock.now()) this.clock.set(soonest);
      for (const [id, at] of next) {
        if (!at || at > this.clock.now()) continue;
        next.set(id, (await runner.runCohort(id)).next);
        runs++;
      }
      await after?.(this.clock.now());
      if (runs > 500) throw new Error('the year did not converge');
    }
  }

  /** Messages to one chat, as "yyyy-mm-dd HH:mm text" in the given zone. */
  inbox(p: Participant, timeZone: string): string[] {
    return this.sent
      .filter((m) => m.chatId === idOn(p, 'telegram'))
      .map((m) => `${DateTime.fromJSDate(m.at, { zone: timeZone }).toFormat('yyyy-MM-dd HH:mm ccc')} ${m.text}`);
  }
}

export async function setCourseEnd(store: Store, cohort: Cohort, courseEnd: Date): Promise<void> {
  await store.repositories.cohorts.upsertByCode({
    code: cohort.code,
    programmeId: cohort.programmeId,
    title: cohort.title,
    courseStart: cohort.courseStart,
    courseEnd,
    timeZone: cohort.timeZone,
    locale: cohort.locale,
    curatorIds: cohort.curatorIds,
    tutorIds: cohort.tutorIds,
  });
}
