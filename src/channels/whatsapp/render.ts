// How the engine's messages look in WhatsApp: plain text. whatsapp-web.js has no reliable buttons,
// so a question's options become a numbered list (channels/numbered-text.ts) and the person
// answers by typing.
import type { Locale } from '../../domain/locale.js';
import type { ChatMessage } from '../../engine/events.js';
import { t } from '../../i18n/index.js';
import { renderPrompt } from '../numbered-text.js';

export { renderPrompt };

/**
 * WhatsApp accepts far longer texts, but a wall of text in a chat is read by nobody, and Telegram
 * splits at the same size: both channels then show a long summary the same way.
 */
export const WHATSAPP_TEXT_LIMIT = 4000;

/**
 * wa.me opens a chat with the bot's number with the text typed in, so the person only presses
 * "send": the engine starts onboarding with that code.
 */
export function startLinkUrl(botPhone: string, code: string): string {
  return `https://wa.me/${botPhone.replace(/\D/g, '')}?text=${encodeURIComponent(code)}`;
}

export interface RenderOptions {
  /** The bot account's number, from WHATSAPP_PHONE or from the session; without it no wa.me line. */
  botPhone: string | undefined;
  /** Used for the start-link line of a text message, which carries no locale of its own. */
  locale: Locale;
}

export function renderMessage(message: ChatMessage, options: RenderOptions): string {
  if (message.kind === 'prompt') return renderPrompt(message);
  if (!message.startLink || !options.botPhone) return message.text;
  const line = t(options.locale, 'whatsapp.start_link', {
    label: message.startLink.label,
    url: startLinkUrl(options.botPhone, message.startLink.code),
  });
  return `${message.text}\n\n${line}`;
}
