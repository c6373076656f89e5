// What a pressed inline button means, for the channels whose buttons carry a short payload back
// (Telegram's callback data, Max's callback payload): "<ref>|<action>|<option id>". One scheme, so
// a question's buttons mean the same thing on every such channel.

export type ButtonAction =
  | { kind: 'choose'; ref: string; optionId: string }
  | { kind: 'toggle'; ref: string; optionId: string }
  | { kind: 'rank'; ref: string; optionId: string }
  | { kind: 'done'; ref: string }
  | { kind: 'back'; ref: string }
  | { kind: 'skip'; ref: string };

const CODES = { choose: 'c', toggle: 't', rank: 'r', done: 'd', back: 'b', skip: 's' } as const;
const KINDS = Object.fromEntries(Object.entries(CODES).map(([k, v]) => [v, k])) as Record<string, ButtonAction['kind']>;

/** Multiple choice keeps its state in the keyboard: these marks are the state. */
export const CHECKED = '☑ ';
export const UNCHECKED = '☐ ';

export function encodeButtonAction(action: ButtonAction): string {
  return `${action.ref}|${CODES[action.kind]}|${'optionId' in action ? action.optionId : ''}`;
}

export function decodeButtonAction(payload: string | undefined): ButtonAction | undefined {
  const m = /^(\d{1,12})\|([a-z])\|([A-Za-z0-9_-]{0,40})$/.exec(payload ?? '');
  if (!m) return undefined;
  const kind = KINDS[m[2]!];
  const [ref, optionId] = [m[1]!, m[3]!];
  if (!kind) return undefined;
  if (kind === 'choose' || kind === 'toggle' || kind === 'rank') return optionId ? { kind, ref, optionId } : undefined;
  return { kind, ref };
}
