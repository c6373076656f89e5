// Telegram's command menus (setMyCommands), per audience: teachers' commands by default, /bind and
// /unbind in groups, and each curator's, tutor's or staff member's own menu in their private chat —
// at start for those the bot knows, and when one first writes. Every command a menu lists is one the
// bot answers for that person: sent as them, none gets "unknown command" or "not allowed".
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { commandsFor, knownStaffChats, publishCommands } from '../../src/channels/telegram/commands.js';
import { createSputnikEngine } from '../../src/engine/index.js';
import { createMonitoring } from '../../src/monitoring/index.js';
import { t } from '../../src/i18n/index.js';
import type { Store } from '../../src/store/index.js';
import { seedCohort, type CohortFixture } from '../support/cohort-fixture.js';
import { content, testSettings } from '../support/engine-harness.js';
import { openTestStore, silentLogger } from '../support/store.js';
import { TelegramHarness } from '../support/telegram-harness.js';

let store: Store;
let cohort: CohortFixture;
let tg: TelegramHarness;
const curator = { id: 8002, username: 'olga_curator' };
const tutor = { id: 8003, username: 'aigul_tutor' };
const teacher = { id: 8001 };
/** Polls: some replies (a report, an export) are prepared after the update is handled. */
async function waitFor(done: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!done()) {
    if (Date.now() > until) throw new Error('no reply in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
/** Until no call has been made for a while: nothing still runs when the store closes. */
async function settled(): Promise<void> {
  let count = -1;
  while (count !== tg.calls.length) {
    count = tg.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}
const menuOf = (payload: Record<string, unknown>) => (payload.commands as { command: string }[]).map((c) => c.command);

beforeEach(async () => {
  store = await openTestStore();
  cohort = await seedCohort(store);
  const engine = createSputnikEngine({
    repos: store.repositories,
    sessions: store.sessions,
    content: content(),
    settings: testSettings,
    logger: silentLogger,
  });
  tg = new TelegramHarness(store, engine, createMonitoring({ store, catalog: content().questionnaires }));
  const created = await store.repositories.participants.create({
    fullName: 'Иванова Мария',
    addresses: [{ channel: 'telegram', id: String(teacher.id) }],
    locale: 'ru',
  });
  if (!created.ok) throw new Error('fixture');
  await store.repositories.participants.recordConsent(created.value.id, 'test-1', new Date());
  await store.repositories.enrollments.enroll({
    participantId: created.value.id,
    cohortId: cohort.cohortId,
    at: new Date(),
    stages: [1, 2, 3],
  });
});
afterEach(async () => {
  await store.close();
});

const TEACHER_MENU = ['menu', 'surveys', 'activity', 'progress', 'plan', 'consult', 'language', 'stop', 'help'];
const TUTOR_MENU = [
  'menu',
  'consultations',
  'plans',
  'event',
  'events',
  'stats',
  'export',
  'console',
  'language',
  'help',
];
const CURATOR_MENU = [
  'menu',
  'review',
  'consultations',
  'plans',
  'stage',
  'event',
  'events',
  'broadcast',
  'stats',
  'report',
  'export',
  'console',
  'language',
  'help',
];

describe('the command menus', () => {
  it("teachers' by default in three languages, /bind and /unbind in groups, and each known staff member's own", async () => {
    // The curator and the tutor have written before: the store knows their Telegram ids; the curator reads Kazakh.
    await tg.text(curator, '/start');
    await tg.text(tutor, '/start');
    const curatorId = (await store.repositories.participants.findByAddress('telegram', String(curator.id)))!.id;
    await store.repositories.participants.updateProfile(curatorId, { locale: 'kk' });
    tg.calls.length = 0;

    await publishCommands(tg.api, await knownStaffChats(store.repositories));
    const menus = tg.callsOf('setMyCommands');
    expect(menus.map((m) => [JSON.stringify(m.scope ?? null), m.language_code ?? null])).toEqual([
      ['null', null],
      ['null', 'kk'],
      ['null', 'en'],
      ['{"type":"all_group_chats"}', null],
      ['{"type":"all_group_chats"}', 'kk'],
      ['{"type":"all_group_chats"}', 'en'],
      [`{"type":"chat","chat_id":${curator.id}}`, null],
      [`{"type":"chat","chat_id":${tutor.id}}`, null],
    ]);
    expect(menuOf(menus[0]!)).toEqual(TEACHER_MENU);
    expect(menuOf(menus[3]!)).toEqual(['bind', 'unbind']);
    expect(menuOf(menus[6]!)).toEqual(CURATOR_MENU);
    // In her language: the Kazakh descriptions.
    expect((menus[6]!.commands as { description: string }[])[1]!.description).toBe('Тексерілетін іс-шаралар');
    expect(menuOf(menus[7]!)).toEqual(TUTOR_MENU);
    expect((menus[7]!.commands as { description: string }[])[0]!.description).toBe(t('ru', 'menu.title'));
  });

  it('a staff member who writes for the first time gets their menu in that chat, once; a teacher gets none', async () => {
    await tg.text(teacher, '/menu');
    expect(tg.callsOf('setMyCommands')).toEqual([]);
    // Known to the import by username only: linked by this message, then given the menu.
    await tg.text(curator, '/start');
    await tg.text(curator, '/menu');
    const menus = tg.callsOf('setMyCommands');
    expect(menus).toHaveLength(1);
    expect(menus[0]!.scope).toEqual({ type: 'chat', chat_id: curator.id });
    expect(menuOf(menus[0]!)).toEqual(CURATOR_MENU);
  });

  it.each([
    ['teacher', teacher, TEACHER_MENU],
    ['tutor', tutor, TUTOR_MENU],
    ['curator', curator, CURATOR_MENU],
  ] as const)('lists for a %s only commands the bot answers for them', async (_role, who, menu) => {
    expect(commandsFor('ru', _role).map((c) => c.command)).toEqual(menu);
    await tg.text(who, '/start');
    const refusals = [
      t('ru', 'flow.unknown_command'),
      t('ru', 'flow.not_allowed'),
      t('ru', 'monitoring.stats_forbidden'),
    ];
    const toThem = () => tg.calls.filter((c) => Number(c.payload.chat_id) === who.id && c.method !== 'setMyCommands');
    for (const command of menu) {
      const before = toThem().length;
      await tg.text(who, `/${command}`);
      // A message, or a file (/export), or both.
      await waitFor(() => toThem().length > before);
      const replies = toThem()
        .slice(before)
        .map((c) => String(c.payload.text ?? c.payload.caption ?? ''));
      expect(
        replies.filter((r) => refusals.includes(r)),
        `/${command}`,
      ).toEqual([]);
    }
    await settled();
  });

  it('lists in groups the commands the bot answers there', async () => {
    const group = { id: -1001, title: 'Весна 2026' };
    await tg.text(curator, '/start');
    for (const command of commandsFor('ru', 'group').map((c) => c.command)) {
      const before = tg.texts(group.id).length;
      await tg.text(curator, `/${command}`, group);
      expect(tg.texts(group.id).length, `/${command}`).toBeGreaterThan(before);
    }
  });
});
