// How the engine's messages look in WhatsApp: plain text. whatsapp-web.js has no reliable buttons,
// so a question's options become a numbered list and the person answers by typing; the engine
// already reads "2", "2, 4", "2 4", "2;4", "3 1 2", an option's text and the keywords.
import type { Locale } from '../../domain/locale.js';
import type { OutboundMessage } from '../../engine/events.js';
import { t } from '../../i18n/index.js';

type Prompt = Extract<OutboundMessage, { kind: 'prompt' }>;

/**
 * WhatsApp accepts far longer texts, but a wall of text in a chat is read by nobody, and Telegram
 * splits at the same size: both channels then show a long summary the same way.
 */
export const WHATSAPP_TEXT_LIMIT = 4000;

/** The first spelling of a keyword in the person's language: the word the hint tells them to type. */
function keyword(locale: Locale, name: 'back' | 'skip'): string {
  return t(locale, `keywords.${name}`).split('|')[0]!;
}

/** "3 1 2" for three options to rank: an order that is visibly not the displayed one. */
function rankingExample(count: number): string {
  const n = Math.max(2, Math.min(count, 9));
  return [n, ...Array.from({ length: n - 1 }, (_, i) => i + 1)].join(' ');
}

function instruction(prompt: Prompt): string {
  const { locale, options } = prompt;
  if (prompt.ranking) return t(locale, 'whatsapp.choose_ranking', { example: rankingExample(prompt.ranking.count) });
  if (prompt.multiple) {
    const example = options.length >= 3 ? '1, 3' : '1, 2';
    return prompt.multiple.max < options.length
      ? t(locale, 'whatsapp.choose_up_to', { max: prompt.multiple.max, example })
      : t(locale, 'whatsapp.choose_several', { example });
  }
  return t(locale, 'whatsapp.choose_one');
}

export function renderPrompt(prompt: Prompt): string {
  const blocks: string[] = [prompt.text];
  if (prompt.options.length > 0) {
    blocks.push([instruction(prompt), ...prompt.options.map((o, i) => `${i + 1} — ${o.label}`)].join('\n'));
  } else if (prompt.hint) {
    blocks.push(prompt.hint);
  }
  const controls: string[] = [];
  if (prompt.canGoBack) controls.push(t(prompt.locale, 'whatsapp.back_hint', { word: keyword(prompt.locale, 'back') }));
  if (prompt.canSkip) controls.push(t(prompt.locale, 'whatsapp.skip_hint', { word: keyword(prompt.locale, 'skip') }));
  if (controls.length > 0) blocks.push(controls.join('\n'));
  return blocks.join('\n\n');
}

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

export function renderMessage(message: OutboundMessage, options: RenderOptions): string {
  if (message.kind === 'prompt') return renderPrompt(message);
  if (!message.startLink || !options.botPhone) return message.text;
  const line = t(options.locale, 'whatsapp.start_link', { label: message.startLink.label, url: startLinkUrl(options.botPhone, message.startLink.code) });
  return `${message.text}\n\n${line}`;
}

