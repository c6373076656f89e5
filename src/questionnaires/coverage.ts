import { LOCALES, type Locale, type LocalizedText } from '../domain/locale.js';
import type { Questionnaire } from './model.js';

/** Every text a teacher may see in the questionnaire. */
function texts(q: Questionnaire): LocalizedText[] {
  const list: LocalizedText[] = [q.title];
  if (q.intro) list.push(q.intro);
  if (q.outro) list.push(q.outro);
  for (const question of q.questions) {
    list.push(question.text);
    if (question.help) list.push(question.help);
    if ('options' in question) list.push(...question.options.map((o) => o.text));
    if (question.type === 'likert') list.push(...Object.values(question.labels));
  }
  return list;
}

/** How many of the questionnaire's texts exist in each language (the rest fall back to Russian). */
export function translationCoverage(q: Questionnaire): Record<Locale, { translated: number; total: number }> {
  const all = texts(q);
  return Object.fromEntries(
    LOCALES.map((locale) => [
      locale,
      { translated: all.filter((text) => Boolean(text[locale])).length, total: all.length },
    ]),
  ) as Record<Locale, { translated: number; total: number }>;
}
