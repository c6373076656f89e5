// How a prompt looks in Telegram: inline buttons. Multiple choice and ranking keep their state in
// the keyboard itself (☑ marks, 1. 2. 3. numbers), so a restart in the middle loses nothing.
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'grammy/types';
import type { OutboundMessage } from '../../engine/events.js';
import { BACK, SKIP } from '../../engine/engine.js';
import { t } from '../../i18n/index.js';
import { CHECKED, UNCHECKED, decodeButtonAction, encodeButtonAction, type ButtonAction } from '../button-action.js';

type Prompt = Extract<OutboundMessage, { kind: 'prompt' }>;

export { CHECKED, UNCHECKED, type ButtonAction } from '../button-action.js';

/** Telegram's callback data holds at most 64 bytes. */
export function encode(action: ButtonAction): string {
  const data = encodeButtonAction(action);
  if (Buffer.byteLength(data) > 64) throw new RangeError(`callback data too long: ${data}`);
  return data;
}

export const decode = (data: string): ButtonAction | undefined => decodeButtonAction(data);

/** Short labels (yes/no, a 1–5 scale) fit on one row; anything longer gets a row of its own. */
function rows(buttons: InlineKeyboardButton[], labels: string[]): InlineKeyboardButton[][] {
  const compact = buttons.length <= 5 && labels.every((l) => l.length <= 12);
  return compact ? [buttons] : buttons.map((b) => [b]);
}

export function promptKeyboard(prompt: Prompt): InlineKeyboardMarkup | undefined {
  const { ref, locale } = prompt;
  let keyboard: InlineKeyboardButton[][] = [];
  if (prompt.options.length > 0) {
    if (prompt.multiple) {
      keyboard = prompt.options.map((o) => [
        { text: `${UNCHECKED}${o.label}`, callback_data: encode({ kind: 'toggle', ref, optionId: o.id }) },
      ]);
      keyboard.push([{ text: t(locale, 'common.done'), callback_data: encode({ kind: 'done', ref }) }]);
    } else if (prompt.ranking) {
      keyboard = prompt.options.map((o) => [
        { text: o.label, callback_data: encode({ kind: 'rank', ref, optionId: o.id }) },
      ]);
      keyboard.push([{ text: t(locale, 'common.done'), callback_data: encode({ kind: 'done', ref }) }]);
    } else {
      const buttons = prompt.options.map((o) => ({
        text: o.label,
        callback_data: encode({ kind: 'choose', ref, optionId: o.id }),
      }));
      keyboard = rows(
        buttons,
        prompt.options.map((o) => o.label),
      );
    }
  }
  const controls: InlineKeyboardButton[] = [];
  if (prompt.canGoBack)
    controls.push({ text: `← ${t(locale, 'common.back')}`, callback_data: encode({ kind: 'back', ref }) });
  if (prompt.canSkip)
    controls.push({ text: `${t(locale, 'common.skip')} →`, callback_data: encode({ kind: 'skip', ref }) });
  if (controls.length) keyboard.push(controls);
  return keyboard.length ? { inline_keyboard: keyboard } : undefined;
}

export function promptText(prompt: Prompt): string {
  return prompt.hint ? `${prompt.text}\n\n${prompt.hint}` : prompt.text;
}

/** Flips a ☐/☑ mark on the pressed option; returns the new keyboard. */
export function toggled(markup: InlineKeyboardMarkup, data: string): InlineKeyboardMarkup {
  return {
    inline_keyboard: markup.inline_keyboard.map((row) =>
      row.map((b) => {
        if (!('callback_data' in b) || b.callback_data !== data) return b;
        const text = b.text.startsWith(CHECKED)
          ? `${UNCHECKED}${b.text.slice(CHECKED.length)}`
          : `${CHECKED}${b.text.slice(UNCHECKED.length)}`;
        return { ...b, text };
      }),
    ),
  };
}

const RANK_PREFIX = /^(\d+)\. /;

/** Numbers the pressed option with the next place (or takes its number away if it had one). */
export function ranked(markup: InlineKeyboardMarkup, data: string): InlineKeyboardMarkup {
  const buttons = markup.inline_keyboard.flat();
  const pressed = buttons.find((b) => 'callback_data' in b && b.callback_data === data);
  const removed = pressed ? Number(RANK_PREFIX.exec(pressed.text)?.[1] ?? 0) : 0;
  const next = Math.max(0, ...buttons.map((b) => Number(RANK_PREFIX.exec(b.text)?.[1] ?? 0))) + 1;
  return {
    inline_keyboard: markup.inline_keyboard.map((row) =>
      row.map((b) => {
        const place = Number(RANK_PREFIX.exec(b.text)?.[1] ?? 0);
        const label = b.text.replace(RANK_PREFIX, '');
        if ('callback_data' in b && b.callback_data === data)
          return { ...b, text: removed ? label : `${next}. ${label}` };
        if (removed && place > removed) return { ...b, text: `${place - 1}. ${label}` };
        return b;
      }),
    ),
  };
}

/** The options a person ticked or ranked, in order, read back from the keyboard of their message. */
export function selection(markup: InlineKeyboardMarkup | undefined, ref: string): string[] {
  return picks(markup, ref).map((p) => p.id);
}

/** Same, with the labels as the person saw them (without marks and numbers). */
export function selectionLabels(markup: InlineKeyboardMarkup | undefined, ref: string): string[] {
  return picks(markup, ref).map((p) => p.label);
}

function picks(markup: InlineKeyboardMarkup | undefined, ref: string): { id: string; label: string }[] {
  const picked: { id: string; label: string; order: number }[] = [];
  for (const b of markup?.inline_keyboard.flat() ?? []) {
    if (!('callback_data' in b) || !b.callback_data) continue;
    const action = decode(b.callback_data);
    if (!action || action.ref !== ref) continue;
    if (action.kind === 'toggle' && b.text.startsWith(CHECKED)) {
      picked.push({ id: action.optionId, label: b.text.slice(CHECKED.length), order: picked.length });
    }
    if (action.kind === 'rank') {
      const place = Number(RANK_PREFIX.exec(b.text)?.[1] ?? 0);
      if (place) picked.push({ id: action.optionId, label: b.text.replace(RANK_PREFIX, ''), order: place });
    }
  }
  return picked.sort((a, b) => a.order - b.order);
}

export const CONTROL_IDS = { back: BACK, skip: SKIP } as const;
