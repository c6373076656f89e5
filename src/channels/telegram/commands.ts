// The command menus Telegram shows next to the input field, in each language.
import type { Api } from 'grammy';
import type { BotCommand } from 'grammy/types';
import { LOCALES, type Locale } from '../../domain/locale.js';
import { t } from '../../i18n/index.js';

export function commandsFor(locale: Locale): BotCommand[] {
  return [
    { command: 'menu', description: t(locale, 'menu.title') },
    { command: 'surveys', description: t(locale, 'menu.surveys', { count: 0 }).replace(/\s*\(0\)$/, '') },
    { command: 'activity', description: t(locale, 'menu.activity') },
    { command: 'progress', description: t(locale, 'menu.progress') },
    { command: 'plan', description: t(locale, 'menu.plan') },
    { command: 'consult', description: t(locale, 'menu.consultation') },
    { command: 'language', description: t(locale, 'menu.language') },
    { command: 'stop', description: t(locale, 'menu.reminders_off') },
    { command: 'help', description: t(locale, 'menu.help') },
  ];
}

/** Russian is the default menu; Kazakh and English go to users whose Telegram is in those languages. */
export async function publishCommands(api: Api): Promise<void> {
  await api.setMyCommands(commandsFor('ru'));
  for (const locale of LOCALES.filter((l) => l !== 'ru')) {
    await api.setMyCommands(commandsFor(locale), { language_code: locale });
  }
}
