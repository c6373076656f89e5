// The engine's messages as the web chat page shows them: a text, and for a question its options as
// buttons (ticks and a "done" button when several may be chosen) with back / skip beside them.
// A ranking is answered by typing the order, as on WhatsApp: buttons cannot say "3 1 2" well.
import { renderPrompt } from '../numbered-text.js';
import { BACK, SKIP } from '../../engine/engine.js';
import type { ChatMessage } from '../../engine/events.js';
import { t } from '../../i18n/index.js';

export interface WebButton {
  id: string;
  label: string;
}

export interface WebMessage {
  /** Numbered per chat from 1: the page asks for what came after the last one it has. */
  seq: number;
  text: string;
  /** A question answered with buttons: `ref` goes back with the press, so an old button is recognised. */
  ref?: string;
  options?: WebButton[];
  /** Several options may be ticked; `done` is the label of the button that sends them. */
  multiple?: { min: number; max: number; done: string };
  /** Back and skip, sent like an option. */
  controls?: WebButton[];
  /** The expected form of a typed answer ("дд.мм.гггг"). */
  hint?: string;
}

export function renderWebMessage(message: ChatMessage): Omit<WebMessage, 'seq'> {
  if (message.kind === 'text') return { text: message.text };
  if (message.ranking || message.options.length === 0) {
    const typed = message.ranking ? renderPrompt(message) : message.text;
    const controls = controlsOf(message);
    return {
      text: typed,
      ...(controls.length > 0 ? { ref: message.ref, controls } : {}),
      ...(message.hint && !message.ranking ? { hint: message.hint } : {}),
    };
  }
  const controls = controlsOf(message);
  return {
    text: message.text,
    ref: message.ref,
    options: message.options.map((o) => ({ id: o.id, label: o.label })),
    ...(message.multiple ? { multiple: { ...message.multiple, done: t(message.locale, 'common.done') } } : {}),
    ...(controls.length > 0 ? { controls } : {}),
  };
}

function controlsOf(prompt: Extract<ChatMessage, { kind: 'prompt' }>): WebButton[] {
  const controls: WebButton[] = [];
  if (prompt.canGoBack) controls.push({ id: BACK, label: `← ${t(prompt.locale, 'common.back')}` });
  if (prompt.canSkip) controls.push({ id: SKIP, label: `${t(prompt.locale, 'common.skip')} →` });
  return controls;
}
