// Filters as staff type them (CLI options, HTTP query parameters): cohort and programme codes or
// ids, dates as yyyy-mm-dd, a questionnaire and its version, a breakdown. Resolved against the
// store and the caller's access into a `Scope`.
import { Types } from 'mongoose';
import { z } from 'zod';
import type { Locale } from '../domain/locale.js';
import { err, ok, type Result } from '../domain/result.js';
import { t } from '../i18n/index.js';
import type { Models } from '../store/models/index.js';
import { allowedCohorts, type Access } from './access.js';
import { DIMENSIONS, type Scope } from './scope.js';

const list = z
  .string()
  .trim()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .pipe(
    z.array(z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected codes or ids separated by commas' })).min(1),
  );

const day = z
  .string()
  .trim()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'expected a date as yyyy-mm-dd' })
  // Date.parse takes 2026-02-30 for 2 March: a real date reads back as itself.
  .refine(
    (v) => {
      const date = new Date(`${v}T00:00:00Z`);
      return !Number.isNaN(date.getTime()) && date.toISOString().slice(0, 10) === v;
    },
    { error: 'not a real date' },
  );

export const filterInputSchema = z.strictObject({
  cohort: list.optional(),
  programme: list.optional(),
  from: day.optional(),
  to: day.optional(),
  questionnaire: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, { error: 'expected a questionnaire id such as exit' })
    .optional(),
  version: z.coerce
    .number({ error: 'expected a version number' })
    .int({ error: 'expected a whole number' })
    .min(1)
    .optional(),
  by: z.enum(DIMENSIONS, { error: `expected one of ${DIMENSIONS.join(', ')}` }).optional(),
});

export type FilterInput = z.infer<typeof filterInputSchema>;

export const FILTER_FIELDS = ['cohort', 'programme', 'from', 'to', 'questionnaire', 'version', 'by'] as const;
export type FilterField = (typeof FILTER_FIELDS)[number];

/** Why a filter was refused, as a value: the CLI and the HTTP API word it in their caller's language. */
export type FilterError =
  | { kind: 'invalid'; field: FilterField }
  | { kind: 'unknown_filter'; field: string }
  | { kind: 'from_after_to' }
  | { kind: 'not_found'; what: 'cohort' | 'programme'; value: string };

const isFilterField = (v: string): v is FilterField => (FILTER_FIELDS as readonly string[]).includes(v);

/** Reads known keys from a bag of strings (query parameters, parsed options); unknown keys are an error. */
export function parseFilterInput(raw: Record<string, string | undefined>): Result<FilterInput, FilterError> {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = filterInputSchema.safeParse(defined);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (issue?.code === 'unrecognized_keys') return err({ kind: 'unknown_filter', field: issue.keys[0] ?? '' });
    const field = String(issue?.path[0] ?? '');
    return err(isFilterField(field) ? { kind: 'invalid', field } : { kind: 'unknown_filter', field });
  }
  if (parsed.data.from && parsed.data.to && parsed.data.from > parsed.data.to) return err({ kind: 'from_after_to' });
  return ok(parsed.data);
}

/**
 * The refusal in the caller's language. `prefix` turns the field's name into the caller's: `--`
 * for the CLI's options (`--from`), none for the HTTP API's query parameters (`from`).
 */
export function filterErrorText(error: FilterError, locale: Locale, prefix = ''): string {
  switch (error.kind) {
    case 'invalid':
      return t(locale, `monitoring.filter_invalid_${error.field}`, {
        field: `${prefix}${error.field}`,
        list: DIMENSIONS.join(', '),
      });
    case 'unknown_filter':
      return t(locale, 'monitoring.filter_unknown', { field: error.field });
    case 'from_after_to':
      return t(locale, 'monitoring.filter_from_after_to', { field: `${prefix}from` });
    case 'not_found':
      return t(locale, error.what === 'cohort' ? 'monitoring.cohort_not_found' : 'monitoring.programme_not_found', {
        value: error.value,
      });
    default: {
      const unknown: never = error;
      return String(unknown);
    }
  }
}

const isId = (v: string) => /^[0-9a-f]{24}$/i.test(v);

/** Ids of cohorts or programmes given by code or id; the first unknown one is the error. */
export async function findIds(
  model: Models['cohort'] | Models['programme'],
  values: readonly string[],
  what: 'cohort' | 'programme',
): Promise<Result<Types.ObjectId[], FilterError>> {
  const ids: Types.ObjectId[] = [];
  for (const value of values) {
    const doc = await model.collection.findOne(
      isId(value) ? { _id: new Types.ObjectId(value) } : { code: value.toUpperCase() },
      { projection: { _id: 1 } },
    );
    if (!doc) return err({ kind: 'not_found', what, value });
    ids.push(doc._id as Types.ObjectId);
  }
  return ok(ids);
}

/**
 * The sandbox's demo cohorts (Cohort.demo): an unfiltered aggregate, export or sample leaves them
 * out; asking for one by code or id still shows it. Undefined when there are none.
 */
export async function demoCohortIds(models: Pick<Models, 'cohort'>): Promise<string[] | undefined> {
  const docs = await models.cohort.collection.find({ demo: true }, { projection: { _id: 1 } }).toArray();
  return docs.length > 0 ? docs.map((d) => String(d._id)) : undefined;
}

/** The scope a caller gets: what they asked for, within what their access allows. */
export async function resolveScope(
  models: Models,
  access: Access,
  input: FilterInput,
): Promise<Result<Scope, FilterError>> {
  let requested: string[] | undefined;
  if (input.cohort) {
    const r = await findIds(models.cohort, input.cohort, 'cohort');
    if (!r.ok) return r;
    requested = r.value.map((id) => id.toHexString());
  }
  if (input.programme) {
    const r = await findIds(models.programme, input.programme, 'programme');
    if (!r.ok) return r;
    const cohorts = await models.cohort.collection
      .find({ programmeId: { $in: r.value } }, { projection: { _id: 1 } })
      .toArray();
    const ofProgrammes = cohorts.map((c) => String(c._id));
    requested = requested ? requested.filter((id) => ofProgrammes.includes(id)) : ofProgrammes;
  }
  const cohortIds = allowedCohorts(access, requested);
  const excludeCohortIds = cohortIds ? undefined : await demoCohortIds(models);
  return ok({
    ...(cohortIds ? { cohortIds } : {}),
    ...(excludeCohortIds ? { excludeCohortIds } : {}),
    ...(input.from ? { from: new Date(`${input.from}T00:00:00Z`) } : {}),
    // "to 2026-05-31" includes that whole day.
    ...(input.to ? { to: new Date(Date.parse(`${input.to}T00:00:00Z`) + 86_400_000) } : {}),
    ...(input.questionnaire ? { questionnaireId: input.questionnaire } : {}),
    ...(input.version !== undefined ? { questionnaireVersion: input.version } : {}),
    ...(input.by ? { by: input.by } : {}),
  });
}
