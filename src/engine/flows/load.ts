// Reads flows/*.yaml, validates them with zod and cross-checks every reference: message keys
// exist in the Russian catalog, actions / option sources / checks are registered, step targets
// exist. Problems name the file, the step, the field and the line (worded where shown).
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { z } from 'zod';
import { ROLES } from '../../domain/roles.js';
import type { LocalizedText } from '../../domain/locale.js';
import { catalogs, phrase, t, type MessageKey } from '../../i18n/index.js';
import { isQuestionType, QUESTION_SCHEMAS, QUESTION_TYPES, type Question } from '../../questionnaires/index.js';
import { Reporter, type Entities } from '../../questionnaires/issues.js';
import { readYaml } from '../../questionnaires/parse.js';
import { shownPath, type ContentProblem } from '../../questionnaires/problems.js';
import { STATEMENT } from '../../questionnaires/schema.js';
import type { Condition, Flow, FlowCatalog, Step } from './definition.js';

export interface FlowRegistry {
  actions: ReadonlySet<string>;
  optionSources: ReadonlySet<string>;
  checks: ReadonlySet<string>;
}

const identifier = z.string().regex(/^[a-z][a-z0-9_]*$/, { message: 'content.f_identifier' });
/** Flow variables are shared with the actions' TypeScript, hence camelCase. */
const variable = z.string().regex(/^[a-z][A-Za-z0-9]*$/, { message: 'content.f_variable' });

function isMessageKey(key: string): key is MessageKey {
  const dot = key.indexOf('.');
  return dot > 0 && catalogs.ru[key.slice(0, dot)]?.[key.slice(dot + 1)] !== undefined;
}
const messageKey = z
  .string()
  .superRefine((key, ctx) => {
    if (!isMessageKey(key))
      ctx.addIssue({ code: 'custom', params: { ...STATEMENT, key }, message: 'content.f_unknown_key' });
    // The refinement above proved it; the cast only carries that proof into the type.
  })
  .transform((key) => key as MessageKey);

const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z.strictObject({ var: variable, equals: z.union([z.string(), z.number(), z.boolean()]) }),
    z.strictObject({ var: variable, in: z.array(z.union([z.string(), z.number()])).min(1) }),
    z.strictObject({ var: variable, set: z.boolean() }),
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

/**
 * A flow's question is a questionnaire question (src/questionnaires/handlers.ts: one schema per
 * type) whose texts are message keys of the catalogs. Only the keys and `from` are read here;
 * everything else is checked, and given its defaults, by the question type's own schema.
 */
const askSchema = z.looseObject({
  type: z.string(),
  text: messageKey,
  help: messageKey.optional(),
  options: z.array(z.looseObject({ id: z.unknown(), text: messageKey })).optional(),
  /** An option source of the engine: the options are made when the question is asked. */
  from: identifier.optional(),
});
type AskInput = z.infer<typeof askSchema>;

const stepSchemas = {
  ask: z.strictObject({
    id: identifier.optional(),
    ask: askSchema,
    save: variable,
    append: z.boolean().default(false),
    check: identifier.optional(),
    next: identifier.optional(),
  }),
  say: z.strictObject({
    id: identifier.optional(),
    say: messageKey,
    end: z.boolean().default(false),
    next: identifier.optional(),
  }),
  do: z.strictObject({
    id: identifier.optional(),
    do: identifier,
    on: z.record(z.string(), identifier).default({}),
    end: z.boolean().default(false),
    next: identifier.optional(),
  }),
  if: z.strictObject({ id: identifier.optional(), if: conditionSchema, then: identifier, else: identifier.optional() }),
  goto: z.strictObject({ id: identifier.optional(), goto: identifier }),
  questionnaire: z.strictObject({ id: identifier.optional(), questionnaire: variable, next: identifier.optional() }),
  end: z.strictObject({ id: identifier.optional(), end: z.literal(true) }),
} as const;
type StepKind = keyof typeof stepSchemas;

const flowSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]*$/, { message: 'content.f_flow_id' }),
  roles: z.array(z.enum(ROLES)).min(1),
  menuAfter: z.boolean().default(true),
  steps: z.array(z.unknown()).min(1),
});

/** A message key in every language, as the questionnaire module expects its texts. */
export function localizedFromKey(key: MessageKey): LocalizedText {
  return { ru: t('ru', key), kk: t('kk', key), en: t('en', key) };
}

/** Two stand-ins let a choice question with `from` pass its type's schema; they are dropped after it. */
const SOURCED_OPTIONS = [
  { id: 'from_source_1', text: { ru: '—' } },
  { id: 'from_source_2', text: { ru: '—' } },
];

const STEP_ENTITIES: Entities = { steps: { named: 'content.at_step', numbered: 'content.at_step_n' } };

/** The ask as a questionnaire question, or its problems reported at `at` (the step's `ask`). */
function toQuestion(id: string, ask: AskInput, report: Reporter, at: readonly PropertyKey[]): Question | undefined {
  const { type, text, help, options, from, ...rest } = ask;
  if (!isQuestionType(type)) {
    report.add(at.slice(0, -1), phrase('content.f_not_type', { type, types: QUESTION_TYPES.join(', ') }), [
      ...at,
      'type',
    ]);
    return undefined;
  }
  const schema = QUESTION_SCHEMAS[type] as z.ZodType<Question>;
  const candidate = {
    ...rest,
    id,
    type,
    text: localizedFromKey(text),
    ...(help ? { help: localizedFromKey(help) } : {}),
    ...(options ? { options: options.map((o) => ({ ...o, text: localizedFromKey(o.text) })) } : {}),
  };
  let parsed = schema.safeParse(candidate);
  // A type that needs options takes them from the source when `from` names one.
  const sourced =
    !parsed.success &&
    from !== undefined &&
    options === undefined &&
    parsed.error.issues.some((i) => i.path[0] === 'options');
  if (sourced) parsed = schema.safeParse({ ...candidate, options: SOURCED_OPTIONS });
  if (!parsed.success) {
    report.addZodIssues(at, parsed.error.issues);
    return undefined;
  }
  // The schema only: a flow's plain option may be called "other" (activities and topics are saved
  // so), which the questionnaire check reserves for its free-text «Другое».
  return sourced ? ({ ...parsed.data, options: [] } as Question) : parsed.data;
}

function stepKind(raw: unknown): StepKind | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  return (Object.keys(stepSchemas) as StepKind[]).find((kind) => kind in raw);
}

// Every field name a flow knows, to suggest the intended one for a typo.
const FLOW_FIELDS = [
  'id',
  'roles',
  'menuAfter',
  'steps',
  ...Object.keys(stepSchemas),
  'save',
  'append',
  'check',
  'next',
  'end',
  'on',
  'then',
  'else',
  'type',
  'text',
  'help',
  'options',
  'from',
  'var',
  'equals',
  'in',
  'set',
  'all',
  'any',
  'not',
];

export function parseFlow(
  source: string,
  text: string,
  registry: FlowRegistry,
): { flow?: Flow; errors: ContentProblem[] } {
  const read = readYaml(source, text);
  if (read.problems.length > 0) return { errors: read.problems };
  const report = new Reporter(source, read.doc, read.lines, read.data, STEP_ENTITIES, FLOW_FIELDS);
  const top = flowSchema.safeParse(read.data);
  if (!top.success) {
    report.addZodIssues([], top.error.issues);
    return { errors: report.problems };
  }
  const expectedId = basename(source).replace(/\.ya?ml$/, '');
  if (top.data.id !== expectedId) report.add([], phrase('content.f_id_not_file', { id: top.data.id }), ['id']);

  const steps: Step[] = [];
  /** Where each step stands in the file, for its problems' lines. */
  const indexOf = new Map<Step, number>();
  top.data.steps.forEach((raw, index) => {
    const at = ['steps', index];
    const kind = stepKind(raw);
    if (!kind) {
      report.add(at, phrase('content.f_step_kind', { kinds: Object.keys(stepSchemas).join(', ') }));
      return;
    }
    const parsed = stepSchemas[kind].safeParse(raw);
    if (!parsed.success) {
      report.addZodIssues(at, parsed.error.issues);
      return;
    }
    const s = parsed.data;
    const id = s.id ?? `step${index + 1}`;
    const next = 'next' in s ? s.next : undefined;
    const push = (step: Step) => {
      steps.push(step);
      indexOf.set(step, index);
    };
    switch (kind) {
      case 'ask': {
        const a = s as z.infer<typeof stepSchemas.ask>;
        if (a.ask.from && !registry.optionSources.has(a.ask.from))
          report.add(at, phrase('content.f_unknown_source', { name: a.ask.from }), [...at, 'ask', 'from']);
        if (a.check && !registry.checks.has(a.check))
          report.add(at, phrase('content.f_unknown_check', { name: a.check }), [...at, 'check']);
        const question = toQuestion(id, a.ask, report, [...at, 'ask']);
        if (!question) break;
        push({
          kind,
          id,
          next,
          question,
          optionsFrom: a.ask.from,
          save: a.save,
          append: a.append,
          check: a.check,
        });
        break;
      }
      case 'say': {
        const a = s as z.infer<typeof stepSchemas.say>;
        push({ kind, id, next, text: a.say as MessageKey, end: a.end });
        break;
      }
      case 'do': {
        const a = s as z.infer<typeof stepSchemas.do>;
        if (!registry.actions.has(a.do))
          report.add(at, phrase('content.f_unknown_action', { name: a.do }), [...at, 'do']);
        push({ kind, id, next, action: a.do, on: a.on, end: a.end });
        break;
      }
      case 'if': {
        const a = s as z.infer<typeof stepSchemas.if>;
        push({ kind, id, condition: a.if, then: a.then, else: a.else });
        break;
      }
      case 'goto':
        push({ kind, id, target: (s as z.infer<typeof stepSchemas.goto>).goto });
        break;
      case 'questionnaire':
        push({ kind, id, next, from: (s as z.infer<typeof stepSchemas.questionnaire>).questionnaire });
        break;
      case 'end':
        push({ kind, id });
        break;
    }
  });

  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) report.add(['steps', indexOf.get(step)!], phrase('content.f_step_twice'));
    ids.add(step.id);
  }
  for (const step of steps) {
    const targets = [
      step.next,
      step.kind === 'if' ? step.then : undefined,
      step.kind === 'if' ? step.else : undefined,
      step.kind === 'goto' ? step.target : undefined,
      ...(step.kind === 'do' ? Object.values(step.on) : []),
    ].filter((x): x is string => x !== undefined);
    for (const target of targets)
      if (!ids.has(target)) report.add(['steps', indexOf.get(step)!], phrase('content.f_goes_nowhere', { target }));
  }
  const problems = report.problems;
  if (problems.length > 0) return { errors: problems };
  return { flow: { id: top.data.id, roles: top.data.roles, menuAfter: top.data.menuAfter, steps, source }, errors: [] };
}

/** Looks flows up by id; built from already validated flows. */
export function createFlowCatalog(list: readonly Flow[]): FlowCatalog {
  const flows = new Map(list.map((flow) => [flow.id, flow]));
  return { get: (id) => flows.get(id), all: () => [...flows.values()] };
}

export function loadFlows(
  dir: string,
  registry: FlowRegistry,
  root = process.cwd(),
): { catalog: FlowCatalog; errors: ContentProblem[] } {
  const flows = new Map<string, Flow>();
  const errors: ContentProblem[] = [];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const file of files) {
    const path = join(dir, file);
    const { flow, errors: fileErrors } = parseFlow(shownPath(root, path), readFileSync(path, 'utf8'), registry);
    errors.push(...fileErrors);
    if (flow) flows.set(flow.id, flow);
  }
  return { catalog: createFlowCatalog([...flows.values()]), errors };
}
