// A model's ratings (seed 002: a rating from self-assessment on two indicators): each indicator a
// sum or mean of numeric answers, a total over the indicators, levels where the model gives them.
// Pure: answers in, figures out.
import type { Answer } from '../domain/response.js';
import type { Locale } from '../domain/locale.js';
import { localized } from '../questionnaires/index.js';
import type { Formula, RatingDefinition, RatingLevel } from './schema.js';

export interface RatingFigure {
  id: string;
  /** null: none of its answers was given (all skipped or hidden). */
  value: number | null;
  level?: RatingLevel;
}

export interface RatingResult {
  ratingId: string;
  indicators: RatingFigure[];
  total?: RatingFigure;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

function numeric(value: Answer['value']): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return undefined;
}

/** Unanswered operands are left out (a skipped item does not count as 0); none answered: null. */
function evaluate(formula: Formula, values: ReadonlyMap<string, number | null>): number | null {
  const ids = 'sum' in formula ? formula.sum : formula.mean;
  const present = ids.map((id) => values.get(id)).filter((v): v is number => typeof v === 'number');
  if (present.length === 0) return null;
  const sum = present.reduce((a, b) => a + b, 0);
  return round2('sum' in formula ? sum : sum / present.length);
}

function levelOf(levels: readonly RatingLevel[] | undefined, value: number | null): RatingLevel | undefined {
  if (!levels || value === null) return undefined;
  let found: RatingLevel | undefined;
  for (const l of [...levels].sort((a, b) => a.from - b.from)) if (value >= l.from) found = l;
  return found;
}

export function computeRating(definition: RatingDefinition, answers: readonly Answer[]): RatingResult {
  const given = new Map<string, number | null>();
  for (const a of answers) given.set(a.questionId, a.skipped ? null : (numeric(a.value) ?? null));
  const indicators = definition.indicators.map((ind) => {
    const value = evaluate(ind.formula, given);
    const level = levelOf(ind.levels, value);
    return { id: ind.id, value, ...(level ? { level } : {}) };
  });
  if (!definition.total) return { ratingId: definition.id, indicators };
  const byId = new Map(indicators.map((i) => [i.id, i.value]));
  const value = evaluate(definition.total.formula, byId);
  const level = levelOf(definition.total.levels, value);
  return { ratingId: definition.id, indicators, total: { id: 'total', value, ...(level ? { level } : {}) } };
}

const shown = (n: number | null) => (n === null ? '—' : String(n).replace('.', ','));

/** The lines a teacher reads when they finish the rated questionnaire. */
export function describeRating(definition: RatingDefinition, result: RatingResult, locale: Locale): string {
  const line = (title: string, f: RatingFigure) =>
    `${title}: ${shown(f.value)}${f.level ? ` (${localized(f.level.title, locale)})` : ''}`;
  const lines = [localized(definition.title, locale)];
  definition.indicators.forEach((ind, i) => {
    const figure = result.indicators[i];
    if (figure) lines.push(line(localized(ind.title, locale), figure));
  });
  if (definition.total && result.total) lines.push(line(localized(definition.total.title, locale), result.total));
  return lines.join('\n');
}
