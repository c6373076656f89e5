// "A changed questionnaire that already has answers needs a new version": each version's content
// hash is recorded the first time it is seen, and a later change is refused once answers exist.
import type { Model } from 'mongoose';
import type { Questionnaire } from '../questionnaires/index.js';
import type { QuestionnaireVersionDoc } from './models/questionnaire-version.js';
import type { ResponseDoc } from './models/response.js';

export async function checkQuestionnaireVersions(
  models: { questionnaireVersion: Model<QuestionnaireVersionDoc>; response: Model<ResponseDoc> },
  questionnaires: readonly Questionnaire[],
  now: Date,
): Promise<string[]> {
  const errors: string[] = [];
  for (const q of questionnaires) {
    const known = await models.questionnaireVersion
      .findOne({ questionnaireId: q.id, version: q.version })
      .lean<QuestionnaireVersionDoc>();
    if (!known) {
      await models.questionnaireVersion.create({
        questionnaireId: q.id,
        version: q.version,
        hash: q.hash,
        source: q.source,
        firstSeenAt: now,
      });
      continue;
    }
    if (known.hash === q.hash) continue;
    const answered = await models.response.countDocuments({ questionnaireId: q.id, questionnaireVersion: q.version });
    if (answered > 0) {
      errors.push(
        `${q.source}: version ${q.version} was changed after it received ${answered} response(s); ` +
          `keep the old text as questionnaires/archive/${q.id}.v${q.version}.yaml and give the changed one version ${q.version + 1}`,
      );
    } else {
      // Nobody has answered yet: editing in place is harmless.
      await models.questionnaireVersion.updateOne({ _id: known._id }, { $set: { hash: q.hash, source: q.source } });
    }
  }
  return errors;
}
