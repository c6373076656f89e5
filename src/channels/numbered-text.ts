// A question as plain text, for channels without buttons (WhatsApp, the fake test channel, SMS-like
// ones): the options become a numbered list and the person answers by typing; the engine already
// reads "2", "2, 4", "2 4", "2;4", "3 1 2", an option's text and the keywords.
import type { Locale } from '../domain/locale.js';
import type { OutboundMessage } from '../engine/events.js';
import { t } from '../i18n/index.js';

type Prompt = Extract<OutboundMessage, { kind: 'prompt' }>;

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
