// /console in the bot: curators, tutors and staff get a one-time link into the staff console in
// their private chat; teachers do not; with the console turned off the bot says so.
import { describe, expect, it } from 'vitest';
import { enrolledTeacher } from '../support/teacher.js';
import { useEngineTestbed } from '../support/testbed.js';

const bed = useEngineTestbed('2026-04-20T09:00:00Z');

describe('/console', () => {
  it('sends a tutor a single-use link, in Russian, naming how long it works', async () => {
    const issued: string[] = [];
    bed.h.withConsole({
      ttlMinutes: 15,
      loginUrl: async (id) => {
        issued.push(id);
        return `https://sputnik.example.org/console/auth?token=t${issued.length}`;
      },
    });
    const tutor = bed.h.actor('Айгуль', { username: 'aigul_tutor' });
    await tutor.say('/console');
    expect(tutor.lastText()).toBe(
      'Ссылка для входа в консоль сопровождения:\nhttps://sputnik.example.org/console/auth?token=t1\n\n' +
        'Она одноразовая и действует 15 мин. Никому её не пересылайте: по ней откроются ваши курсы и педагоги. ' +
        'Откройте ссылку в браузере на компьютере или телефоне.',
    );
    expect(issued).toEqual([bed.cohort.tutorId]);
    // Each request makes a new link.
    await tutor.say('/console');
    expect(tutor.lastText()).toContain('token=t2');
  });

  it('gives a teacher no link', async () => {
    const issued: string[] = [];
    bed.h.withConsole({
      ttlMinutes: 15,
      loginUrl: async (id) => {
        issued.push(id);
        return 'https://x/console/auth?token=t';
      },
    });
    const { actor: teacher } = await enrolledTeacher(bed.h, 'Мария', bed.cohort.cohortId, {
      fullName: 'Иванова Мария',
    });
    await teacher.say('/console');
    expect(teacher.inbox.map((m) => m.text).join('\n')).toContain(
      'Эта команда доступна только кураторам и тьюторам курса.',
    );
    expect(issued).toEqual([]);
  });

  it('says the console is off when the server runs without it', async () => {
    const curator = bed.h.actor('Ольга', { username: 'olga_curator' });
    await curator.say('/console');
    expect(curator.lastText()).toBe(
      'Консоль сопровождения на этом сервере выключена. Обратитесь к администратору центра.',
    );
  });
});
