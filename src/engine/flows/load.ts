// Reads flows/*.yaml, validates them with zod and cross-checks every reference: message keys
// exist in the Russian catalog, actions / option sources / checks are registered, step targets
// exist. Errors name the file, the step and the problem.
import { readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { yaml } from '../../questionnaires/yaml.js';
import { z } from 'zod';
import { ROLES } from '../../domain/roles.js';
import type { LocalizedText } from '../../domain/locale.js';
import { catalogs, t, type MessageKey } from '../../i18n/index.js';
import { isQuestionType, QUESTION_SCHEMAS, QUESTION_TYPES, type Question } from '../../questionnaires/index.js';
import type { Condition, Flow, FlowCatalog, Step } from './definition.js';

export interface FlowRegistry {
  actions: ReadonlySet<string>;
  optionSources: ReadonlySet<string>;
  checks: ReadonlySet<string>;
}

const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, { message: 'expected a lower-case identifier (letters, digits, _)' });
/** Flow variables are shared with the actions' TypeScript, hence camelCase. */
const variable = z.string().regex(/^[a-z][A-Za-z0-9]*$/, { message: 'expected a variable name such as cohortId' });

function isMessageKey(key: string): key is MessageKey {
  const dot = key.indexOf('.');
  return dot > 0 && catalogs.ru[key.slice(0, dot)]?.[key.slice(dot + 1)] !== undefined;
}
const messageKey = z
  .string()
  .superRefine((key, ctx) => {
    if (!isMessageKey(key)) ctx.addIssue({ code: 'custom', message: `unknown message key "${key}"` });
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
  id: z.string().regex(/^[a-z][a-z0-9-]*$/),
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

/** The ask as a questionnaire question, or what is wrong with it (each "field: problem"). */
function toQuestion(id: string, ask: AskInput): { question: Question } | { problems: string[] } {
  const { type, text, help, options, from, ...rest } = ask;
  if (!isQuestionType(type))
    return { problems: [`ask.type: "${type}" is not a question type; use one of: ${QUESTION_TYPES.join(', ')}`] };
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
  if (!parsed.success) return { problems: issues(parsed.error).map((m) => `ask.${m}`) };
  // The schema only: a flow's plain option may be called "other" (activities and topics are saved
  // so), which the questionnaire check reserves for its free-text «Другое».
  return { question: sourced ? ({ ...parsed.data, options: [] } as Question) : parsed.data };
}

function stepKind(raw: unknown): StepKind | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  return (Object.keys(stepSchemas) as StepKind[]).find((kind) => kind in raw);
}

function issues(error: z.ZodError): string[] {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
}

export function parseFlow(source: string, text: string, registry: FlowRegistry): { flow?: Flow; errors: string[] } {
  const errors: string[] = [];
  const fail = (where: string, message: string) => errors.push(`${source}: ${where}${message}`);
  const doc = yaml().parseDocument(text, { prettyErrors: true });
  if (doc.errors.length > 0) {
    for (const e of doc.errors)
      fail('', `YAML error at line ${e.linePos?.[0]?.line ?? '?'}: ${e.message.split('\n')[0]}`);
    return { errors };
  }
  const top = flowSchema.safeParse(doc.toJS());
  if (!top.success) {
    for (const m of issues(top.error)) fail('', m);
    return { errors };
  }
  const expectedId = basename(source).replace(/\.ya?ml$/, '');
  if (top.data.id !== expectedId) fail('', `id "${top.data.id}" does not match the file name`);

  const steps: Step[] = [];
  top.data.steps.forEach((raw, index) => {
    const label =
      typeof raw === 'object' && raw !== null && 'id' in raw && typeof raw.id === 'string' ? raw.id : `#${index + 1}`;
    const kind = stepKind(raw);
    if (!kind) {
      fail(`step ${label}: `, `expected one of ${Object.keys(stepSchemas).join(', ')}`);
      return;
    }
    const parsed = stepSchemas[kind].safeParse(raw);
    if (!parsed.success) {
      for (const m of issues(parsed.error)) fail(`step ${label}: `, m);
      return;
    }
    const s = parsed.data;
    const id = s.id ?? `step${index + 1}`;
    const next = 'next' in s ? s.next : undefined;
    switch (kind) {
      case 'ask': {
        const a = s as z.infer<typeof stepSchemas.ask>;
        if (a.ask.from && !registry.optionSources.has(a.ask.from))
          fail(`step ${id}: `, `unknown option source "${a.ask.from}"`);
        if (a.check && !registry.checks.has(a.check)) fail(`step ${id}: `, `unknown check "${a.check}"`);
        const made = toQuestion(id, a.ask);
        if ('problems' in made) {
          for (const m of made.problems) fail(`step ${id}: `, m);
          break;
        }
        steps.push({
          kind,
          id,
          next,
          question: made.question,
          optionsFrom: a.ask.from,
          save: a.save,
          append: a.append,
          check: a.check,
        });
        break;
      }
      case 'say': {
        const a = s as z.infer<typeof stepSchemas.say>;
        steps.push({ kind, id, next, text: a.say as MessageKey, end: a.end });
        break;
      }
      case 'do': {
        const a = s as z.infer<typeof stepSchemas.do>;
        if (!registry.actions.has(a.do)) fail(`step ${id}: `, `unknown action "${a.do}"`);
        steps.push({ kind, id, next, action: a.do, on: a.on, end: a.end });
        break;
      }
      case 'if': {
        const a = s as z.infer<typeof stepSchemas.if>;
        steps.push({ kind, id, condition: a.if, then: a.then, else: a.else });
        break;
      }
      case 'goto':
        steps.push({ kind, id, target: (s as z.infer<typeof stepSchemas.goto>).goto });
        break;
      case 'questionnaire':
        steps.push({ kind, id, next, from: (s as z.infer<typeof stepSchemas.questionnaire>).questionnaire });
        break;
      case 'end':
        steps.push({ kind, id });
        break;
    }
  });

  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) fail(`step ${step.id}: `, 'step ids must be unique');
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
      if (!ids.has(target)) fail(`step ${step.id}: `, `goes to "${target}", which is not a step of this flow`);
  }
  if (errors.length > 0) return { errors };
  return { flow: { id: top.data.id, roles: top.data.roles, menuAfter: top.data.menuAfter, steps, source }, errors };
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
): { catalog: FlowCatalog; errors: string[] } {
  const flows = new Map<string, Flow>();
  const errors: string[] = [];
  const files = readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const file of files) {
    const path = join(dir, file);
    const { flow, errors: fileErrors } = parseFlow(relative(root, path) || path, readFileSync(path, 'utf8'), registry);
    errors.push(...fileErrors);
    if (flow) flows.set(flow.id, flow);
  }
  return { catalog: createFlowCatalog([...flows.values()]), errors };
}
