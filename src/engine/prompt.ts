// Turns a question into a channel-agnostic prompt; the adapter decides buttons or numbered text.
import { localized, questionInput, type Question } from '../questionnaires/index.js';
import type { Turn } from './context.js';
import type { OutboundMessage } from './events.js';
import { fill } from './fill.js';
import type { FlowData } from './sessions.js';

export function promptFor(
  turn: Turn,
  question: Question,
  options: { canGoBack: boolean; data?: FlowData; prefix?: string },
): OutboundMessage {
  const locale = turn.session.locale;
  const input = questionInput(question, locale);
  const help = question.help ? `\n\n${localized(question.help, locale)}` : '';
  const text = fill(`${options.prefix ?? ''}${localized(question.text, locale)}${help}`, options.data ?? {});
  turn.session.promptRef += 1;
  const base = {
    kind: 'prompt' as const,
    ref: String(turn.session.promptRef),
    locale,
    text,
    canSkip: !question.required,
    canGoBack: options.canGoBack,
  };
  if (input.kind === 'choice') {
    return {
      ...base,
      options: input.options,
      ...(input.multiple ? { multiple: input.multiple } : {}),
      ...(input.ranking ? { ranking: input.ranking } : {}),
    };
  }
  return { ...base, options: [], ...(input.hint ? { hint: input.hint } : {}) };
}
