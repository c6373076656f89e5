import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseQuestionnaire, problemWords, type Questionnaire } from '../../src/questionnaires/index.js';
import type { Store } from '../../src/store/index.js';
import { checkQuestionnaireVersions } from '../../src/store/questionnaire-versions.js';
import { aCohort, aParticipant } from '../support/fixtures.js';
import { openTestStore } from '../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

function definition(text: string, version = 1): Questionnaire {
  const yaml = `id: exit\nversion: ${version}\ntitle: { ru: "Выходная анкета" }\nquestions:\n  - id: q1\n    type: short_text\n    text: { ru: "${text}" }\n`;
  const { questionnaire, errors } = parseQuestionnaire('questionnaires/exit.yaml', yaml);
  if (!questionnaire) throw new Error(errors.map(problemWords('en')).join('\n'));
  return questionnaire;
}

describe('questionnaire versions', () => {
  it('lets a version change while unanswered, refuses once answered, accepts a new version', async () => {
    const now = new Date();
    expect(await checkQuestionnaireVersions(store.models, [definition('Что понравилось?')], now)).toEqual([]);
    expect(await checkQuestionnaireVersions(store.models, [definition('Что вам понравилось?')], now)).toEqual([]);

    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const teacher = await aParticipant(repos);
    await repos.responses.startOrResume({
      participantId: teacher.id,
      cohortId: cohort.id,
      questionnaireId: 'exit',
      occasion: 'exit',
      questionnaireVersion: 1,
      at: now,
    });

    const errors = await checkQuestionnaireVersions(
      store.models,
      [definition('Что вам понравилось больше всего?')],
      now,
    );
    expect(errors).toEqual([
      'questionnaires/exit.yaml: version 1 was changed after it received 1 response(s); keep the old text as questionnaires/archive/exit.v1.yaml and give the changed one version 2',
    ]);
    expect(
      await checkQuestionnaireVersions(
        store.models,
        [definition('Что вам понравилось?'), definition('Что вам понравилось больше всего?', 2)],
        now,
      ),
    ).toEqual([]);
  });
});
