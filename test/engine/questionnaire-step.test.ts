// A questionnaire run's step is one tagged state; sessions saved with the older four flags (before
// the state machine) resume where they were.
import { describe, expect, it } from 'vitest';
import { stepOf } from '../../src/engine/questionnaire-run.js';
import type { QuestionnaireRun } from '../../src/engine/sessions.js';

const base: QuestionnaireRun = { responseId: 'r', questionnaireId: 'exit', version: 1, history: [] };
const legacy = (flags: Record<string, unknown>) => ({ ...base, ...flags }) as QuestionnaireRun;

describe('questionnaire step', () => {
  it('reads a session saved with the older flags into the same states', () => {
    expect(stepOf(base)).toBeUndefined();
    expect(stepOf(legacy({ questionId: 'q1' }))).toEqual({ kind: 'asking', questionId: 'q1', editing: false });
    expect(stepOf(legacy({ questionId: 'q2', awaitingOtherText: true, editing: true }))).toEqual({
      kind: 'other-text',
      questionId: 'q2',
      editing: true,
    });
    expect(stepOf(legacy({ confirming: true }))).toEqual({ kind: 'confirming' });
    expect(stepOf(legacy({ choosingEdit: true }))).toEqual({ kind: 'choosing-edit' });
  });

  it('prefers the tagged step when there is one', () => {
    expect(stepOf({ ...base, step: { kind: 'confirming' } })).toEqual({ kind: 'confirming' });
  });
});
