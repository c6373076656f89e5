// Group support events: a curator announces a seminar to the cohort from the bot; the announcer asks
// each teacher once (one tap to answer), someone mid-dialog gets a pointer to /events; the curator
// sees who comes.
import { describe, expect, it } from 'vitest';
import type { Dispatcher } from '../../src/delivery/dispatcher.js';
import type { Outbound } from '../../src/engine/events.js';
import { createEventAnnouncer } from '../../src/scheduler/support-events.js';
import { silentLogger } from '../support/store.js';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-05-04T07:00:00Z');

describe('group support events', () => {
  it('are announced from the bot, answered with one tap by each teacher, and counted for the curator', async () => {
    const repos = bed.store.repositories;
    const { actor: maria, participant: mariaP } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    const { actor: petr, participant: petrP } = await enrolledTeacher(bed.h, 'Пётр', bed.cohort.cohortId, {
      fullName: 'Петров Пётр',
    });
    const curator = bed.h.actor('Ольга', { username: 'olga_curator' });
    const actors = [maria, petr, curator];
    const dispatcher = {
      dispatch: async (out: Outbound[]) => {
        for (const o of out) {
          const to =
            o.to.kind === 'chat' ? actors.find((a) => a.chatId === (o.to as { chatId: string }).chatId) : curator;
          await bed.h.deliver(to ?? curator, [o]);
        }
      },
    } as unknown as Dispatcher;
    const announcer = createEventAnnouncer({
      scheduler: { agenda: {} as never },
      repos,
      engine: bed.h.engine,
      dispatcher,
      logger: silentLogger,
      now: () => bed.h.clock.now(),
    });

    await curator.say('/event');
    await curator.press('Семинар');
    await curator.say('01.05.2026');
    await curator.say('14.05.2026');
    await curator.say('завтра');
    await curator.say('15.00');
    await curator.say('https://meet.example.org/fg72');
    await curator.press('Да');
    // Пётр is in the middle of reporting an activity when the invitation comes.
    await petr.say('/activity');

    expect(await announcer.runOnce()).toBe(2);
    expect(await announcer.runOnce()).toBe(0);
    await maria.press('Приду');
    await petr.say('/events');
    await petr.press('14.05.2026 15:00, Семинар');
    await petr.press('Не смогу');
    await curator.say('/events');
    bed.h.expectGolden('events-ru');

    const [event] = await repos.supportEvents.listByCohort(bed.cohort.cohortId);
    expect(event).toMatchObject({
      kind: 'seminar',
      date: '2026-05-14',
      time: '15:00',
      link: 'https://meet.example.org/fg72',
    });
    expect(event!.invited.sort()).toEqual([mariaP.id, petrP.id].sort());
    expect(event!.attendance.map((a) => [a.participantId, a.answer])).toEqual([
      [mariaP.id, 'yes'],
      [petrP.id, 'no'],
    ]);
    // By hand: Мария comes, Пётр cannot, both answered.
    expect(curator.inbox.at(-2)?.text ?? curator.inbox.at(-1)?.text).toContain(
      '• 14.05.2026 15:00, Семинар: придут 1, не смогут 1, не ответили 0',
    );
  });
});
