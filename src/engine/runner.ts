// Runs a flow: executes steps until one needs an answer, then waits for the next inbound event.
// Everything it needs to resume lives in session.flow, which the engine saves after every event.
import type { Question } from '../questionnaires/index.js';
import { parseAnswer } from '../questionnaires/index.js';
import { localDate } from '../domain/calendar.js';
import { holds } from './conditions.js';
import { fill } from './fill.js';
import type { FlowHandlers, Turn } from './context.js';
import type { AskStep, Flow, Step } from './flows/definition.js';
import { promptFor } from './prompt.js';
import { createQuestionnaireRunner, type AnswerEvent } from './questionnaire-run.js';
import type { FlowRun, FlowValue } from './sessions.js';

/** A flow that loops without asking anything is a bug in its file; stop it rather than spin. */
const MAX_STEPS_PER_EVENT = 200;

export interface Runner {
  start(turn: Turn, flowId: string, data?: FlowRun['data']): Promise<void>;
  /** An answer (text, buttons, or back / skip) to whatever is on screen. */
  answer(turn: Turn, event: AnswerEvent): Promise<void>;
  /** Shows the current prompt again (after a stale button or an unsupported message). */
  reprompt(turn: Turn): Promise<void>;
}

export function today(turn: Turn): string {
  const tz =
    typeof turn.session.flow?.data.timeZone === 'string'
      ? turn.session.flow.data.timeZone
      : turn.services.settings.defaultTimeZone;
  return localDate(turn.services.now(), tz);
}

export function createRunner(handlers: FlowHandlers): Runner {
  const questionnaires = createQuestionnaireRunner({ today });

  function flowOf(turn: Turn, run: FlowRun): Flow {
    const flow = turn.services.flows.get(run.flowId);
    if (!flow) throw new Error(`flow ${run.flowId} is not loaded`);
    return flow;
  }

  function stepOf(flow: Flow, id: string): Step {
    const step = flow.steps.find((s) => s.id === id);
    if (!step) throw new Error(`flow ${flow.id} has no step ${id}`);
    return step;
  }

  function following(flow: Flow, step: Step): string | undefined {
    return flow.steps[flow.steps.indexOf(step) + 1]?.id;
  }

  async function finish(turn: Turn, flow: Flow): Promise<void> {
    turn.session.flow = undefined;
    if (flow.menuAfter && flow.id !== 'menu' && turn.participant) await start(turn, 'menu');
  }

  async function questionOf(turn: Turn, run: FlowRun, step: AskStep): Promise<Question> {
    if (!step.optionsFrom) {
      run.shown = undefined;
      return step.question;
    }
    const source = handlers.optionSources[step.optionsFrom];
    if (!source) throw new Error(`option source ${step.optionsFrom} is not registered`);
    const options = await source(turn, run);
    run.shown = { stepId: step.id, options: options.map(({ id, label, value }) => ({ id, label, value })) };
    // Labels are already in the person's language; `ru` is the slot every locale falls back to.
    return { ...step.question, options: options.map((o) => ({ id: o.id, text: { ru: o.label } })) } as Question;
  }

  function shownQuestion(run: FlowRun, step: AskStep): Question {
    if (!step.optionsFrom || run.shown?.stepId !== step.id) return step.question;
    return {
      ...step.question,
      options: run.shown.options.map((o) => ({ id: o.id, text: { ru: o.label } })),
    } as Question;
  }

  async function ask(turn: Turn, run: FlowRun, step: AskStep): Promise<void> {
    const question = await questionOf(turn, run, step);
    turn.reply(promptFor(turn, question, { canGoBack: run.history.length > 0, data: run.data }));
  }

  /** Executes steps from run.stepId until one waits for the person or the flow ends. */
  async function advance(turn: Turn): Promise<void> {
    for (let i = 0; i < MAX_STEPS_PER_EVENT; i++) {
      const run = turn.session.flow;
      if (!run) return;
      const flow = flowOf(turn, run);
      const step = stepOf(flow, run.stepId);
      let target: string | undefined;
      switch (step.kind) {
        case 'ask':
          await ask(turn, run, step);
          return;
        case 'questionnaire':
          if (await questionnaires.begin(turn, run, step.from)) return;
          target = step.next ?? following(flow, step);
          break;
        case 'say':
          turn.reply({ kind: 'text', text: fill(turn.t(step.text), run.data) });
          if (step.end) return finish(turn, flow);
          target = step.next ?? following(flow, step);
          break;
        case 'do': {
          const action = handlers.actions[step.action];
          if (!action) throw new Error(`action ${step.action} is not registered`);
          const outcome = (await action(turn, run)) ?? undefined;
          // An action may hand over to another flow (e.g. "start this questionnaire").
          if (turn.session.flow !== run) {
            if (turn.session.flow) continue;
            return;
          }
          if (step.end && !(outcome && step.on[outcome])) return finish(turn, flow);
          target = (outcome ? step.on[outcome] : undefined) ?? step.next ?? following(flow, step);
          break;
        }
        case 'if':
          target = holds(step.condition, run.data) ? step.then : (step.else ?? following(flow, step));
          break;
        case 'goto':
          target = step.target;
          break;
        case 'end':
          return finish(turn, flow);
        default: {
          const unknownStep: never = step;
          throw new Error(`unknown step ${JSON.stringify(unknownStep)}`);
        }
      }
      if (target === undefined) return finish(turn, flow);
      run.stepId = target;
    }
    throw new Error(`flow ${turn.session.flow?.flowId} ran ${MAX_STEPS_PER_EVENT} steps without asking anything`);
  }

  async function start(turn: Turn, flowId: string, data: FlowRun['data'] = {}): Promise<void> {
    const flow = turn.services.flows.get(flowId);
    if (!flow) throw new Error(`flow ${flowId} is not loaded`);
    const first = flow.steps[0];
    if (!first) throw new Error(`flow ${flowId} has no steps`);
    turn.session.flow = { flowId, stepId: first.id, data, history: [] };
    await advance(turn);
  }

  async function answer(turn: Turn, event: AnswerEvent): Promise<void> {
    const run = turn.session.flow;
    if (!run) return;
    if (run.questionnaire) {
      const done = await questionnaires.answer(turn, run, event);
      if (done) {
        const flow = flowOf(turn, run);
        const step = stepOf(flow, run.stepId);
        const target = step.next ?? following(flow, step);
        if (target === undefined) return finish(turn, flow);
        run.stepId = target;
        await advance(turn);
      }
      return;
    }
    const flow = flowOf(turn, run);
    const step = stepOf(flow, run.stepId);
    if (step.kind !== 'ask') return advance(turn);

    if (event.control === 'back') {
      const previous = run.history.pop();
      if (previous) {
        run.stepId = previous;
        // Going back to a list question (another link...) takes back the value it added.
        const back = stepOf(flow, previous);
        if (back.kind === 'ask' && back.append && Array.isArray(run.data[back.save])) {
          run.data[back.save] = (run.data[back.save] as string[]).slice(0, -1);
        }
      } else {
        turn.say('questionnaire.first_question');
      }
      return advance(turn);
    }
    const question = shownQuestion(run, step);
    let value: FlowValue;
    if (event.control === 'skip') {
      if (question.required) {
        turn.reject('flow.cannot_skip');
        return ask(turn, run, step);
      }
      value = null;
    } else {
      const parsed = parseAnswer(question, event.input, { locale: turn.session.locale, today: today(turn) });
      if (!parsed.ok) {
        turn.reject(parsed.error.key, parsed.error.params);
        return ask(turn, run, step);
      }
      value = parsed.value;
      if (step.optionsFrom && run.shown) {
        const chosen = Array.isArray(value) ? value : [String(value)];
        const values = chosen.map((id) => run.shown?.options.find((o) => o.id === id)?.value ?? id);
        value = Array.isArray(value) ? values : (values[0] ?? null);
      }
      if (step.check) {
        const check = handlers.checks[step.check];
        if (!check) throw new Error(`check ${step.check} is not registered`);
        const problem = await check(turn, run, value);
        if (problem) {
          turn.reject(problem.key, problem.params);
          return ask(turn, run, step);
        }
      }
    }
    if (step.append) {
      const list = Array.isArray(run.data[step.save]) ? (run.data[step.save] as string[]) : [];
      run.data[step.save] = value === null ? list : [...list, String(value)];
    } else {
      run.data[step.save] = value;
    }
    run.history.push(step.id);
    const target = step.next ?? following(flow, step);
    if (target === undefined) return finish(turn, flow);
    run.stepId = target;
    await advance(turn);
  }

  async function reprompt(turn: Turn): Promise<void> {
    const run = turn.session.flow;
    if (!run) return;
    if (run.questionnaire) return questionnaires.reprompt(turn, run);
    await advance(turn);
  }

  return { start, answer, reprompt };
}
