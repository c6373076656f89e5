import { z } from 'zod';
import { t } from '../../i18n/index.js';
import { emptyAnswer } from '../choice.js';
import type { QuestionBase } from '../model.js';
import { accept, reject } from '../outcome.js';
import { questionBase } from '../schema.js';
import { cleanText, isBlank } from '../text.js';
import type { QuestionHandler } from './handler.js';
import { phrase } from '../../i18n/index.js';

/** A link to published materials (seed 001: "active links" to what the teacher ran). */
export interface LinkQuestion extends QuestionBase {
  type: 'link';
}

const MAX_LINK_LENGTH = 2048;

/**
 * A web address a curator can open: http(s) only, `https://` added to a bare `school.kz/news`,
 * host lower-cased (and a Cyrillic domain in its punycode form, which every browser opens).
 */
export function normaliseLink(
  raw: string,
): { url: string } | { error: 'link_invalid' | 'link_scheme' | 'link_spaces' | 'link_too_long' } {
  // Chat apps and people wrap links: <https://…>, «https://…», "https://…." at the end of a sentence.
  const text = raw.replace(/^[<«"'“]+|[>»"'”]+$/g, '').replace(/[.,;!?]+$/, '');
  if (/\s/.test(text)) return { error: 'link_spaces' };
  if (text.length > MAX_LINK_LENGTH) return { error: 'link_too_long' };
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(text);
  let candidate = text;
  if (scheme) {
    const name = scheme[1]!.toLowerCase();
    const rest = text.slice(scheme[0].length);
    if (name === 'http' || name === 'https') {
      if (!rest.startsWith('//')) return { error: 'link_invalid' };
    } else if (/^\d/.test(rest)) {
      // "school.kz:8080/page": a host and a port, not a scheme.
      candidate = `https://${text}`;
    } else {
      return { error: 'link_scheme' };
    }
  } else {
    candidate = text.startsWith('//') ? `https:${text}` : `https://${text}`;
  }
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return { error: 'link_invalid' };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return { error: 'link_scheme' };
  if (url.username || url.password) return { error: 'link_invalid' };
  const host = url.hostname;
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(host);
  // A public site has a dot and a top-level domain of letters (or punycode): "localhost" or "1.2" is not a link to share.
  if (!ipv4 && !/\.(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/.test(host)) return { error: 'link_invalid' };
  if (url.href.length > MAX_LINK_LENGTH) return { error: 'link_too_long' };
  return { url: url.href };
}

export const link: QuestionHandler<LinkQuestion> = {
  schema: z.strictObject({ ...questionBase, type: z.literal('link') }),
  check: () => [],
  input: (_q, locale) => ({ kind: 'text', multiline: false, hint: t(locale, 'validation.hint_link') }),
  parse(q, input) {
    const text = cleanText(input.text, false);
    if (isBlank(text)) return emptyAnswer(q.required);
    const result = normaliseLink(text);
    return 'url' in result ? accept(result.url) : reject(`validation.${result.error}`);
  },
  display: (_q, value) => String(value),
  operators: ['answered'],
  conditionValue: (q) => ({ problem: phrase('content.q_only_answered', { id: q.id, type: q.type }) }),
};
