import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/engine/engine.js';
import { t } from '../../src/i18n/index.js';

// Commands answered outside the flows: /start, and the group commands every adapter hands to engine/groups.ts.
const TELEGRAM_ONLY = ['start', 'bind', 'unbind'];
// Answered by the engine before any flow (src/engine/account-link.ts).
const ENGINE_BUILT_IN = ['link'];

describe('help texts', () => {
  it.each(['ru', 'kk', 'en'] as const)(
    '%s: every command the help names is one the bot answers, and every staff command is named',
    (locale) => {
      const teacherHelp = t(locale, 'account.help');
      const staffHelp = t(locale, 'account.help_staff');
      const named = [...`${teacherHelp}\n${staffHelp}`.matchAll(/\/([a-z]+)/g)].map((m) => m[1] as string);
      const known = new Set([...Object.keys(COMMANDS), ...TELEGRAM_ONLY, ...ENGINE_BUILT_IN]);
      expect(named.filter((c) => !known.has(c))).toEqual([]);
      for (const command of [
        'review',
        'consultations',
        'stage',
        'broadcast',
        'stats',
        'report',
        'plans',
        'event',
        'events',
        'console',
      ]) {
        expect(staffHelp).toContain(`/${command} `);
      }
    },
  );
});
