// Reads a cohort file (YAML or JSON): the programme, the cohort, its curators, tutors and
// teachers. Pure: text in, a checked plan or every problem found out.
import type { CountryCode } from 'libphonenumber-js';
import { parse as parseJsonc, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { yaml, yamlBuildHint, yamlHint } from '../questionnaires/yaml.js';
import { z } from 'zod';
import { isIanaTimeZone, isValidLocalDate, type LocalDate } from '../domain/calendar.js';
import type { Locale } from '../domain/locale.js';
import { err, ok, type Result } from '../domain/result.js';
import { normaliseIncomingText } from '../domain/text.js';
import { deriveCohortCode, EXPLICIT_CODE_PATTERN, normaliseCohortCode } from './cohort-code.js';
import {
  cleanText,
  defaultCountryFor,
  foldWord,
  matchesTutorRef,
  MAX_LENGTH,
  readLanguage,
  readPhone,
  readSettlement,
  readTelegramUsername,
  readText,
  readTutorRef,
  type FieldResult,
  type ImportProblem,
  type PersonRow,
} from './fields.js';
import { formatPath, PARSE_PARAMS, pathAt, zodProblems } from './zod-problems.js';
import { phrase, type Phrase } from '../i18n/index.js';
import type { StagePlan } from '../domain/stage.js';
import type { SupportModelCatalog } from '../support-models/load.js';
import { planFromModel, planOverridesSchema, resolveModel, type PlanOverrides } from '../support-models/plan.js';

export type CohortFileFormat = 'yaml' | 'json';

export interface CohortFile {
  format: CohortFileFormat;
  programme: {
    code: string;
    title: string;
    direction: string;
    hours?: number;
    /** The plan of the support model the programme names (with its overrides); absent: it names none. */
    stagePlan?: StagePlan;
  };
  /** The default support model's plan: a programme that has none yet runs it. Absent: models not loaded. */
  defaultStagePlan?: StagePlan;
  cohort: {
    code: string;
    /** True when the file gave no code: the import must make sure the code is not someone else's. */
    codeDerived: boolean;
    title: string;
    courseStart: LocalDate;
    courseEnd: LocalDate;
    timeZone: string;
    locale: Locale;
    /** The stage plan from the support model the file names (with its overrides); absent: the file names none. */
    stagePlan?: StagePlan;
  };
  /** How phone numbers without a country code were read. */
  defaultCountry: CountryCode;
  /** Everyone in the file once: a person who is both curator and tutor is one entry. */
  people: PersonRow[];
  /** Indices into `people`. */
  curators: number[];
  tutors: number[];
  teachers: { person: number; tutor?: number }[];
}

export interface CohortFileDefaults {
  timeZone: string;
  locale: Locale;
  /** The loaded support models: without them a file naming a model or a stage plan is refused. */
  models?: SupportModelCatalog;
  questionnaireExists?: (id: string) => boolean;
}

// Messages a schema words itself are keys of the i18n `imports` namespace (zod-problems.ts).
// YAML reads an unquoted 87011234567 as a number, and an empty `phone:` as null.
const scalar = z.union([z.string(), z.number()], { error: 'imports.z_text' }).nullish();
const optionalText = z.string().nullish();
const requiredText = z.string().trim().min(1);
// An unquoted 2026-03-02 stays a string in YAML 1.2, but an explicit !!timestamp gives a Date.
const dateLike = z.union([z.string(), z.date()], {
  error: (issue) => (issue.input === undefined ? 'imports.z_required' : 'imports.z_date'),
});

const personShape = {
  name: requiredText,
  phone: scalar,
  telegram: optionalText,
};
const teacherShape = {
  ...personShape,
  organisation: optionalText,
  region: optionalText,
  district: optionalText,
  settlement: optionalText,
  position: optionalText,
  subject: optionalText,
  language: optionalText,
  tutor: scalar,
};
const programmeShape = {
  code: z.union([z.string(), z.number()]).transform(String).pipe(z.string().trim().min(1).max(32)),
  title: requiredText.max(500),
  direction: requiredText.max(200),
  hours: z.number().int().positive().nullish(),
  /** The programme's support model: its cohorts run it unless a cohort names its own. */
  model: optionalText,
  stagePlan: planOverridesSchema.nullish(),
};
const cohortShape = {
  code: z.union([z.string(), z.number()]).transform(String).nullish(),
  title: requiredText.max(500),
  courseStart: dateLike,
  courseEnd: dateLike,
  timeZone: optionalText,
  language: optionalText,
  /** A support model of flows/models/ (its id); absent: the default model, or what the cohort has. */
  model: optionalText,
  /** Changes to the model's plan: stage starts, required activities, reminders, questionnaires. */
  stagePlan: planOverridesSchema.nullish(),
};

const staffSchema = z.strictObject(personShape);
const teacherSchema = z.strictObject(teacherShape);

const fileSchema = z.strictObject({
  version: z.literal(1, { error: 'imports.z_version' }).optional(),
  programme: z.strictObject(programmeShape),
  cohort: z.strictObject(cohortShape),
  curators: z.array(staffSchema).min(1, { error: 'imports.z_curator' }),
  tutors: z.array(staffSchema).nullish(),
  participants: z.array(teacherSchema).nullish(),
});

type Softened<S extends Record<string, z.ZodType>> = { [K in keyof S]: z.ZodCatch<z.ZodOptional<S[K]>> };
/** Each field as it is, or absent where it is wrong. */
function softly<S extends Record<string, z.ZodType>>(shape: S): Softened<S> {
  return Object.fromEntries(Object.entries(shape).map(([k, v]) => [k, v.optional().catch(undefined)])) as Softened<S>;
}

/**
 * The second reading of a file whose shape `fileSchema` refused: every wrong field (or row, or
 * section) is left out, unknown fields ignored, so the file's other problems (a phone, a date, a
 * tutor) come in the same run as the shape's. Never fails.
 */
const looseFileSchema = z
  .object({
    programme: z.object(softly(programmeShape)).catch({}),
    cohort: z.object(softly(cohortShape)).catch({}),
    curators: z
      .array(z.object(softly(personShape)).catch({}))
      .nullish()
      .catch(undefined),
    tutors: z
      .array(z.object(softly(personShape)).catch({}))
      .nullish()
      .catch(undefined),
    participants: z
      .array(z.object(softly(teacherShape)).catch({}))
      .nullish()
      .catch(undefined),
  })
  .catch({ programme: {}, cohort: {} });

/** What `normalise` reads: a file the schema accepted, or the loose reading of one it refused. */
type RawFile = z.infer<typeof looseFileSchema>;
type RawStaff = NonNullable<RawFile['curators']>[number];
type RawTeacher = NonNullable<RawFile['participants']>[number];

export function detectFormat(fileName: string, text: string): CohortFileFormat {
  if (/\.json$/i.test(fileName)) return 'json';
  if (/\.ya?ml$/i.test(fileName)) return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

function lineAndColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/**
 * Node's JSON.parse names no position for an unexpected token, and says what is wrong in English:
 * jsonc-parser's scanner finds where, with a code we word. Only the first error: after it the
 * scanner's recovery guesses, and the guesses would read as more mistakes.
 */
function parseJson(text: string): Result<unknown, ImportProblem[]> {
  try {
    return ok(JSON.parse(text));
  } catch {
    const errors: ParseError[] = [];
    parseJsonc(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const at = first ? lineAndColumn(text, first.offset) : undefined;
    return err([
      {
        at: at ? phrase('imports.at_line_column', at) : phrase('imports.at_file'),
        message: phrase('imports.json_error', {
          detail: first ? jsonReason(text, first) : phrase('imports.json_other'),
        }),
        ...(at ? { line: at.line } : {}),
      },
    ]);
  }
}

/** The character before `offset` that is not white space. */
function previousChar(text: string, offset: number): string | undefined {
  for (let i = offset - 1; i >= 0; i--) if (!/\s/.test(text[i]!)) return text[i];
  return undefined;
}

function jsonReason(text: string, error: ParseError): Phrase {
  const found = text.slice(error.offset, error.offset + Math.max(error.length, 1)).slice(0, 30);
  const closing = /^[}\]]/.test(found) && previousChar(text, error.offset) === ',';
  const code = printParseErrorCode(error.error);
  switch (code) {
    case 'PropertyNameExpected':
    case 'ValueExpected':
      if (closing) return phrase('imports.json_trailing_comma', { bracket: found[0]! });
      if (error.offset >= text.trimEnd().length) return phrase('imports.json_cut_short');
      return phrase(code === 'ValueExpected' ? 'imports.json_value' : 'imports.json_name');
    case 'InvalidSymbol':
      return phrase(found.startsWith("'") ? 'imports.json_single_quotes' : 'imports.json_symbol', { text: found });
    case 'InvalidNumberFormat':
    case 'UnexpectedEndOfNumber':
      return phrase('imports.json_number');
    case 'ColonExpected':
      return phrase('imports.json_colon');
    case 'CommaExpected':
      return phrase('imports.json_comma');
    case 'CloseBraceExpected':
      return phrase('imports.json_close', { bracket: '}' });
    case 'CloseBracketExpected':
      return phrase('imports.json_close', { bracket: ']' });
    case 'EndOfFileExpected':
      return phrase('imports.json_after_end');
    case 'InvalidCommentToken':
    case 'UnexpectedEndOfComment':
      return phrase('imports.json_comment');
    case 'UnexpectedEndOfString':
    case 'InvalidCharacter':
      return phrase('imports.json_string');
    case 'InvalidUnicode':
    case 'InvalidEscapeCharacter':
      return phrase('imports.json_escape');
    default:
      return phrase('imports.json_other');
  }
}

function parseYaml(text: string): Result<unknown, ImportProblem[]> {
  // The parser is loaded on the first cohort file read (see ../questionnaires/yaml.ts).
  const doc = yaml().parseDocument(text);
  if (doc.errors.length > 0) {
    return err(
      doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return {
          at: pos ? phrase('imports.at_line_column', { line: pos.line, column: pos.col }) : phrase('imports.at_file'),
          message: phrase('imports.yaml_error', { detail: phrase(yamlHint(e.code)) }),
          ...(pos ? { line: pos.line } : {}),
        };
      }),
    );
  }
  try {
    return ok(doc.toJS());
  } catch (error) {
    // toJS throws for what the parser let pass: an alias without its anchor, or aliases that multiply.
    return err([
      {
        at: phrase('imports.at_file'),
        message: phrase('imports.yaml_error', { detail: phrase(yamlBuildHint(error)) }),
      },
    ]);
  }
}

function readDate(raw: string | Date): FieldResult<LocalDate> {
  if (raw instanceof Date) return ok(raw.toISOString().slice(0, 10));
  const value = cleanText(raw);
  // dd.mm.yyyy is how dates are written in Russia and Kazakhstan.
  const dotted = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(value);
  const iso = dotted ? `${dotted[3]}-${dotted[2]!.padStart(2, '0')}-${dotted[1]!.padStart(2, '0')}` : value;
  return isValidLocalDate(iso) ? ok(iso) : err(phrase('imports.bad_date', { value }));
}

/** Whether a field path is `at` itself or lies under it ("participants[2].phone" under "participants[2]"). */
const above = (at: string) => (named: string) =>
  named === '' || at === named || at.startsWith(`${named}.`) || at.startsWith(`${named}[`);

/** Collects problems while the normalised file is built, so one pass reports all of them. */
class Problems {
  readonly list: ImportProblem[] = [];
  /** Where the shape check already found something: nothing more is said there, nor under it. */
  private readonly named: string[];
  constructor(reported: readonly ImportProblem[] = []) {
    this.named = reported.map((p) => (p.at.key === 'imports.at_file' ? '' : String(p.at.params?.path ?? '')));
  }
  add(path: readonly PropertyKey[], message: Phrase): void {
    if (!this.named.some(above(formatPath(path)))) this.list.push({ at: pathAt(path), message });
  }
  /** Whether a problem was already found at this path (or, by the shape check, above it). */
  has(path: readonly PropertyKey[]): boolean {
    const at = formatPath(path);
    return this.named.some(above(at)) || this.list.some((p) => p.at.params?.path === at);
  }
  take<T>(path: readonly PropertyKey[], result: FieldResult<T>): T | undefined {
    if (result.ok) return result.value;
    this.add(path, result.error);
    return undefined;
  }
}

function readPerson(
  raw: RawStaff | RawTeacher,
  path: readonly PropertyKey[],
  country: CountryCode,
  problems: Problems,
): PersonRow {
  const person: PersonRow = { source: pathAt(path), fullName: cleanText(raw.name ?? '') };
  if (raw.name !== undefined) problems.take([...path, 'name'], readText(raw.name, MAX_LENGTH.fullName));
  const phone = raw.phone == null ? '' : String(raw.phone);
  const telegram = raw.telegram ?? '';
  if (cleanText(phone) !== '') person.phone = problems.take([...path, 'phone'], readPhone(phone, country));
  if (cleanText(telegram) !== '')
    person.telegramUsername = problems.take([...path, 'telegram'], readTelegramUsername(telegram));
  // A phone the shape check refused is a contact given, if a wrong one.
  if (cleanText(phone) === '' && cleanText(telegram) === '' && !problems.has([...path, 'phone'])) {
    problems.add(path, phrase('imports.need_contact'));
  }
  return person;
}

function readTeacher(
  raw: RawTeacher,
  path: readonly PropertyKey[],
  country: CountryCode,
  problems: Problems,
): PersonRow {
  const person = readPerson(raw, path, country, problems);
  const text = (key: 'organisation' | 'region' | 'district' | 'position' | 'subject') => {
    const value = raw[key];
    if (value == null) return;
    const read = problems.take([...path, key], readText(value, MAX_LENGTH[key]));
    if (read !== undefined) person[key] = read;
  };
  text('organisation');
  text('region');
  text('district');
  text('position');
  text('subject');
  if (raw.settlement != null && cleanText(raw.settlement) !== '') {
    person.settlementType = problems.take([...path, 'settlement'], readSettlement(raw.settlement));
  }
  if (raw.language != null && cleanText(raw.language) !== '') {
    person.locale = problems.take([...path, 'language'], readLanguage(raw.language));
  }
  if (raw.tutor != null) person.tutor = readTutorRef(String(raw.tutor), country);
  return person;
}

function samePerson(a: PersonRow, b: PersonRow): boolean {
  return (
    (a.phone !== undefined && a.phone === b.phone) ||
    (a.telegramUsername !== undefined && a.telegramUsername === b.telegramUsername)
  );
}

/**
 * Puts each person in `people` once. A curator who is also a tutor is one person with two roles;
 * the same person twice in one list, or a teacher who is also staff, is a mistake in the file.
 */
/** A cohort file's row is where its field path says: "participants[2]". */
const pathOf = (row: PersonRow): string => String(row.source.params?.path ?? '');

function collectPeople(
  lists: { name: 'curators' | 'tutors' | 'participants'; rows: PersonRow[] }[],
  problems: Problems,
): { people: PersonRow[]; indices: Record<'curators' | 'tutors' | 'participants', (number | undefined)[]> } {
  const people: PersonRow[] = [];
  const roleOf: ('staff' | 'teacher')[] = [];
  const firstSource: string[] = [];
  const indices: Record<'curators' | 'tutors' | 'participants', (number | undefined)[]> = {
    curators: [],
    tutors: [],
    participants: [],
  };
  for (const { name, rows } of lists) {
    const seenInList = new Set<number>();
    const role = name === 'participants' ? 'teacher' : 'staff';
    for (const row of rows) {
      const matches = people.flatMap((p, i) => (samePerson(p, row) ? [i] : []));
      if (matches.length > 1) {
        problems.add(
          [pathOf(row)],
          phrase('imports.two_people', { first: firstSource[matches[0]!]!, second: firstSource[matches[1]!]! }),
        );
        indices[name].push(undefined);
        continue;
      }
      const match = matches[0];
      if (match === undefined) {
        people.push(row);
        roleOf.push(role);
        firstSource.push(pathOf(row));
        seenInList.add(people.length - 1);
        indices[name].push(people.length - 1);
        continue;
      }
      const existing = people[match]!;
      if (seenInList.has(match)) {
        problems.add([pathOf(row)], phrase('imports.listed_twice', { source: firstSource[match]! }));
      } else if (role === 'teacher' || roleOf[match] === 'teacher') {
        problems.add([pathOf(row)], phrase('imports.teacher_is_staff', { source: firstSource[match]! }));
      } else if (foldWord(existing.fullName) !== foldWord(row.fullName)) {
        problems.add(
          [pathOf(row), 'name'],
          phrase('imports.other_name', {
            name: row.fullName,
            source: firstSource[match]!,
            existing: existing.fullName,
          }),
        );
      } else if (
        (existing.phone && row.phone && existing.phone !== row.phone) ||
        (existing.telegramUsername && row.telegramUsername && existing.telegramUsername !== row.telegramUsername)
      ) {
        problems.add([pathOf(row)], phrase('imports.other_contact', { source: firstSource[match]! }));
      } else {
        existing.phone ??= row.phone;
        existing.telegramUsername ??= row.telegramUsername;
      }
      seenInList.add(match);
      indices[name].push(match);
    }
  }
  return { people, indices };
}

export function parseCohortFile(
  raw: string,
  fileName: string,
  defaults: CohortFileDefaults,
): Result<CohortFile, ImportProblem[]> {
  const text = normaliseIncomingText(raw);
  const format = detectFormat(fileName, text);
  if (text.trim() === '') return err([{ at: phrase('imports.at_file'), message: phrase('imports.file_empty') }]);
  const parsed = format === 'json' ? parseJson(text) : parseYaml(text);
  if (!parsed.ok) return parsed;
  const checked = fileSchema.safeParse(parsed.value, PARSE_PARAMS);
  if (checked.success) return normalise(checked.data, format, defaults);
  // One pass: the shape's problems, then what the rest of the file has, read without the wrong
  // parts (nothing is said twice about a field the shape check named).
  const shape = zodProblems(checked.error);
  const rest = normalise(looseFileSchema.parse(parsed.value), format, defaults, shape);
  return err([...shape, ...(rest.ok ? [] : rest.error)]);
}

function normalise(
  raw: RawFile,
  format: CohortFileFormat,
  defaults: CohortFileDefaults,
  reported: readonly ImportProblem[] = [],
): Result<CohortFile, ImportProblem[]> {
  const problems = new Problems(reported);

  const timeZone =
    raw.cohort.timeZone == null || cleanText(raw.cohort.timeZone) === ''
      ? defaults.timeZone
      : cleanText(raw.cohort.timeZone);
  if (!isIanaTimeZone(timeZone)) {
    problems.add(['cohort', 'timeZone'], phrase('imports.bad_time_zone', { value: timeZone }));
  }
  const locale =
    raw.cohort.language == null || cleanText(raw.cohort.language) === ''
      ? defaults.locale
      : problems.take(['cohort', 'language'], readLanguage(raw.cohort.language));
  const date = (field: 'courseStart' | 'courseEnd') => {
    const value = raw.cohort[field];
    return value === undefined ? undefined : problems.take(['cohort', field], readDate(value));
  };
  const courseStart = date('courseStart');
  const courseEnd = date('courseEnd');
  if (courseStart && courseEnd && courseEnd < courseStart) {
    problems.add(['cohort', 'courseEnd'], phrase('imports.end_before_start', { end: courseEnd, start: courseStart }));
  }
  const programmeCode = raw.programme.code?.toUpperCase();
  const title = cleanText(raw.cohort.title ?? '');
  let code: string | undefined;
  const codeDerived = raw.cohort.code == null || cleanText(raw.cohort.code) === '';
  if (!codeDerived) {
    code = normaliseCohortCode(String(raw.cohort.code));
    if (!EXPLICIT_CODE_PATTERN.test(code)) {
      problems.add(['cohort', 'code'], phrase('imports.bad_code', { code }));
    }
  } else if (courseStart && programmeCode) {
    code = deriveCohortCode({ programmeCode, title, courseStart });
  }

  const country = defaultCountryFor(timeZone);
  const curators = (raw.curators ?? []).map((c, i) => readPerson(c, ['curators', i], country, problems));
  const tutors = (raw.tutors ?? []).map((t, i) => readPerson(t, ['tutors', i], country, problems));
  const teachers = (raw.participants ?? []).map((p, i) => readTeacher(p, ['participants', i], country, problems));
  const { people, indices } = collectPeople(
    [
      { name: 'curators', rows: curators },
      { name: 'tutors', rows: tutors },
      { name: 'participants', rows: teachers },
    ],
    problems,
  );

  const tutorIndices = [...new Set(indices.tutors.filter((i): i is number => i !== undefined))];
  const teacherPlans = teachers.map((row, i) => {
    const person = indices.participants[i];
    const plan: { person: number | undefined; tutor?: number } = { person };
    if (row.tutor) {
      const ref = row.tutor;
      const found = tutorIndices.filter((t) => matchesTutorRef(ref, people[t]!));
      if (found.length === 1) plan.tutor = found[0];
      else if (found.length === 0) {
        problems.add(['participants', i, 'tutor'], phrase('imports.no_such_tutor', { tutor: ref.raw }));
      } else {
        problems.add(['participants', i, 'tutor'], phrase('imports.many_tutors', { tutor: ref.raw }));
      }
    }
    return plan;
  });

  const resolve = (
    section: 'programme' | 'cohort',
    model: string | null | undefined,
    overrides: PlanOverrides | null | undefined,
  ) => {
    const modelId = model == null || cleanText(model) === '' ? undefined : cleanText(model);
    if (modelId === undefined && !overrides) return undefined;
    if (!defaults.models) {
      problems.add([section, modelId !== undefined ? 'model' : 'stagePlan'], phrase('imports.models_not_loaded'));
      return undefined;
    }
    const resolved = resolveModel(
      defaults.models,
      modelId,
      overrides ?? undefined,
      defaults.questionnaireExists ?? (() => true),
    );
    for (const p of resolved.problems) problems.add([section, ...p.path], p.message);
    return resolved;
  };
  const programmeModel = resolve('programme', raw.programme.model, raw.programme.stagePlan);
  const cohortModel = resolve('cohort', raw.cohort.model, raw.cohort.stagePlan);
  const stagePlan = cohortModel?.plan;
  const defaultModel = defaults.models?.default();
  const defaultStagePlan = defaultModel ? planFromModel(defaultModel) : undefined;
  // The cohort's own model wins over its programme's.
  const runs = cohortModel?.model ?? programmeModel?.model;
  if (runs?.tutorRequired) {
    teacherPlans.forEach((t, i) => {
      if (t.tutor === undefined && !problems.has(['participants', i, 'tutor'])) {
        problems.add(['participants', i, 'tutor'], phrase('imports.tutor_required', { model: runs.id }));
      }
    });
  }

  if (
    problems.list.length > 0 ||
    programmeCode === undefined ||
    code === undefined ||
    courseStart === undefined ||
    courseEnd === undefined ||
    locale === undefined
  ) {
    return err(problems.list);
  }
  const hours = raw.programme.hours ?? undefined;
  return ok({
    format,
    programme: {
      code: programmeCode,
      title: cleanText(raw.programme.title ?? ''),
      direction: cleanText(raw.programme.direction ?? ''),
      ...(hours !== undefined ? { hours } : {}),
      ...(programmeModel?.plan ? { stagePlan: programmeModel.plan } : {}),
    },
    ...(defaultStagePlan ? { defaultStagePlan } : {}),
    cohort: { code, codeDerived, title, courseStart, courseEnd, timeZone, locale, ...(stagePlan ? { stagePlan } : {}) },
    defaultCountry: country,
    people,
    curators: dedupe(indices.curators),
    tutors: dedupe(indices.tutors),
    teachers: teacherPlans.flatMap((t) =>
      t.person === undefined ? [] : [{ person: t.person, ...(t.tutor !== undefined ? { tutor: t.tutor } : {}) }],
    ),
  });
}

function dedupe(indices: (number | undefined)[]): number[] {
  return [...new Set(indices.filter((i): i is number => i !== undefined))];
}
