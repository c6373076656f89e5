// How a prompt looks in Max: an inline keyboard attachment of callback buttons. As in Telegram,
// multiple choice and ranking keep their state in the keyboard itself (☑ marks, 1. 2. 3.), so a
// restart in the middle of a question loses nothing.
import type { Button, CallbackButton, InlineKeyboardAttachmentRequest } from '@maxhub/max-bot-api/types';
import { BACK, SKIP } from '../../engine/engine.js';
import type { OutboundMessage } from '../../engine/events.js';
import { t } from '../../i18n/index.js';
import { CHECKED, UNCHECKED, decodeButtonAction, encodeButtonAction, type ButtonAction } from '../button-action.js';

type Prompt = Extract<OutboundMessage, { kind: 'prompt' }>;
export type Rows = Button[][];

export { CHECKED, UNCHECKED, type ButtonAction } from '../button-action.js';

const RANK_PREFIX = /^(\d+)\. /;

export const encode = encodeButtonAction;
export const decode = decodeButtonAction;

const callback = (text: string, action: ButtonAction): CallbackButton => ({
  type: 'callback',
  text,
  payload: encode(action),
});

export function promptRows(prompt: Prompt): Rows {
  const { ref, locale } = prompt;
  const rows: Rows = [];
  if (prompt.multiple || prompt.ranking) {
    const kind = prompt.multiple ? 'toggle' : 'rank';
    for (const o of prompt.options)
      rows.push([callback(`${prompt.multiple ? UNCHECKED : ''}${o.label}`, { kind, ref, optionId: o.id })]);
    if (prompt.options.length) rows.push([callback(t(locale, 'common.done'), { kind: 'done', ref })]);
  } else if (prompt.options.length) {
    const buttons = prompt.options.map((o) => callback(o.label, { kind: 'choose', ref, optionId: o.id }));
    // Short labels (yes/no, a 1–5 scale) share a row; anything longer gets a row of its own.
    const compact = buttons.length <= 5 && prompt.options.every((o) => o.label.length <= 12);
    rows.push(...(compact ? [buttons] : buttons.map((b) => [b])));
  }
  const controls: Button[] = [];
  if (prompt.canGoBack) controls.push(callback(`← ${t(locale, 'common.back')}`, { kind: 'back', ref }));
  if (prompt.canSkip) controls.push(callback(`${t(locale, 'common.skip')} →`, { kind: 'skip', ref }));
  if (controls.length) rows.push(controls);
  return rows;
}

export function keyboardAttachment(rows: Rows): InlineKeyboardAttachmentRequest {
  return { type: 'inline_keyboard', payload: { buttons: rows } };
}

/** The keyboard of a message as Max returns it (in a callback update), if it has one. */
export function rowsOf(
  attachments: readonly { type: string; payload?: unknown }[] | null | undefined,
): Rows | undefined {
  const keyboard = attachments?.find((a) => a.type === 'inline_keyboard');
  const buttons = (keyboard?.payload as { buttons?: Rows } | undefined)?.buttons;
  return Array.isArray(buttons) ? buttons : undefined;
}

const payloadOf = (b: Button): string | undefined => (b.type === 'callback' ? b.payload : undefined);

/** Flips the ☐/☑ mark of the pressed option. */
export function toggled(rows: Rows, payload: string): Rows {
  return rows.map((row) =>
    row.map((b) => {
      if (payloadOf(b) !== payload) return b;
      const text = b.text.startsWith(CHECKED)
        ? `${UNCHECKED}${b.text.slice(CHECKED.length)}`
        : `${CHECKED}${b.text.slice(UNCHECKED.length)}`;
      return { ...b, text };
    }),
  );
}

/** Numbers the pressed option with the next place, or takes its number away (and closes the gap). */
export function ranked(rows: Rows, payload: string): Rows {
  const buttons = rows.flat();
  const pressed = buttons.find((b) => payloadOf(b) === payload);
  const removed = pressed ? Number(RANK_PREFIX.exec(pressed.text)?.[1] ?? 0) : 0;
  const next = Math.max(0, ...buttons.map((b) => Number(RANK_PREFIX.exec(b.text)?.[1] ?? 0))) + 1;
  return rows.map((row) =>
    row.map((b) => {
      const place = Number(RANK_PREFIX.exec(b.text)?.[1] ?? 0);
      const label = b.text.replace(RANK_PREFIX, '');
      if (payloadOf(b) === payload) return { ...b, text: removed ? label : `${next}. ${label}` };
      if (removed && place > removed) return { ...b, text: `${place - 1}. ${label}` };
      return b;
    }),
  );
}

/** The options ticked or ranked, in order, with their labels as the person saw them. */
export function picks(rows: Rows | undefined, ref: string): { id: string; label: string }[] {
  const picked: { id: string; label: string; order: number }[] = [];
  for (const b of rows?.flat() ?? []) {
    const action = decode(payloadOf(b));
    if (!action || action.ref !== ref) continue;
    if (action.kind === 'toggle' && b.text.startsWith(CHECKED)) {
      picked.push({ id: action.optionId, label: b.text.slice(CHECKED.length), order: picked.length });
    }
    if (action.kind === 'rank') {
      const place = Number(RANK_PREFIX.exec(b.text)?.[1] ?? 0);
      if (place) picked.push({ id: action.optionId, label: b.text.replace(RANK_PREFIX, ''), order: place });
    }
  }
  return picked.sort((a, b) => a.order - b.order).map(({ id, label }) => ({ id, label }));
}

/** The answer a press gives the engine, and the labels to show under the question once taken. */
export function answerOf(
  action: ButtonAction,
  rows: Rows | undefined,
  payload: string,
): { optionIds: string[]; labels: string[] } {
  switch (action.kind) {
    case 'back':
      return { optionIds: [BACK], labels: [] };
    case 'skip':
      return { optionIds: [SKIP], labels: [] };
    case 'choose': {
      const pressed = rows?.flat().find((b) => payloadOf(b) === payload);
      return { optionIds: [action.optionId], labels: pressed ? [pressed.text] : [] };
    }
    case 'done':
    case 'toggle':
    case 'rank': {
      const chosen = picks(rows, action.ref);
      return { optionIds: chosen.map((p) => p.id), labels: chosen.map((p) => p.label) };
    }
    default: {
      const never: never = action;
      throw new Error(`unknown button ${JSON.stringify(never)}`);
    }
  }
}
