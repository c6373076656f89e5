// The links in a completed response's answers, recorded for the link checker (scheduler/link-checks.ts):
// until a check finds one open, the stage that needs a live link waits, in progress.
import type { Repositories } from '../domain/repositories.js';
import type { Response } from '../domain/response.js';
import { answerLinks, type ResultLink } from '../domain/result-link.js';

export async function recordResultLinks(repos: Repositories, response: Response, at: Date): Promise<ResultLink[]> {
  const recorded: ResultLink[] = [];
  for (const { questionId, url } of answerLinks(response.answers)) {
    recorded.push(
      await repos.resultLinks.record({
        participantId: response.participantId,
        cohortId: response.cohortId,
        responseId: response.id,
        questionnaireId: response.questionnaireId,
        questionId,
        url,
        at,
      }),
    );
  }
  return recorded;
}
