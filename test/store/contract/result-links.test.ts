// The result links repository: one record per answer that is a link, its checks (live, dead, or
// "could not check" with a retry time), the teacher told once per dead spell, a link replaced.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDeadResultLink, resultLinkCheck } from '../../../src/domain/result-link.js';
import type { Store } from '../../../src/store/index.js';
import { aCohort, aParticipant } from '../../support/fixtures.js';
import { openTestStore } from '../../support/store.js';

let store: Store;
beforeAll(async () => {
  store = await openTestStore();
});
afterAll(async () => {
  await store?.close();
});

const at = (iso: string) => new Date(iso);

describe('result links', () => {
  it('are recorded once per answer, checked, retried when nobody answered, told once when dead, and replaced', async () => {
    const repos = store.repositories;
    const cohort = await aCohort(repos);
    const anna = await aParticipant(repos);
    const { response } = await repos.responses.startOrResume({
      participantId: anna.id,
      cohortId: cohort.id,
      questionnaireId: 'stage-3-results',
      occasion: 'stage-3',
      questionnaireVersion: 1,
      at: at('2027-01-21T08:00:00Z'),
    });
    const input = {
      participantId: anna.id,
      cohortId: cohort.id,
      responseId: response.id,
      questionnaireId: 'stage-3-results',
      questionId: 'portfolio_link',
      url: 'https://school.example.kz/portfolio',
      at: at('2027-01-21T09:00:00Z'),
    };
    const link = await repos.resultLinks.record(input);
    expect(link).toMatchObject({ url: input.url, questionId: 'portfolio_link', attempts: 0, recordedAt: input.at });
    expect(link.checkedAt).toBeUndefined();
    expect(link.reachable).toBeUndefined();
    // Recorded again (the same answer): the same record, nothing reset.
    expect((await repos.resultLinks.record({ ...input, at: at('2027-01-22T09:00:00Z') })).id).toBe(link.id);
    expect(await repos.resultLinks.listByResponse(response.id)).toHaveLength(1);
    expect((await repos.resultLinks.listByParticipant(anna.id, cohort.id)).map((l) => l.id)).toEqual([link.id]);
    expect((await repos.resultLinks.listByCohorts([cohort.id])).map((l) => l.id)).toEqual([link.id]);

    // Due: never checked.
    const cutoff = at('2027-01-01T00:00:00Z');
    expect((await repos.resultLinks.listDue(cohort.id, cutoff, at('2027-01-21T10:00:00Z'))).map((l) => l.id)).toEqual([
      link.id,
    ]);

    // Nobody answered (no network): still unchecked, one attempt, not due before the retry time.
    const unknown = resultLinkCheck({ status: 'unreachable', checkedAt: at('2027-01-21T10:00:00Z') }, 0);
    const first = await repos.resultLinks.recordCheck(link.id, link.url, unknown);
    expect(first?.after).toMatchObject({ attempts: 1, retryAt: at('2027-01-21T10:15:00Z') });
    expect(first?.after.checkedAt).toBeUndefined();
    expect(first?.after.reachable).toBeUndefined();
    expect(await repos.resultLinks.listDue(cohort.id, cutoff, at('2027-01-21T10:10:00Z'))).toEqual([]);
    expect(await repos.resultLinks.listDue(cohort.id, cutoff, at('2027-01-21T10:15:00Z'))).toHaveLength(1);

    // The server answers 404: dead; the teacher is told once.
    const dead = await repos.resultLinks.recordCheck(
      link.id,
      link.url,
      resultLinkCheck({ status: 'dead', httpStatus: 404, checkedAt: at('2027-01-21T10:20:00Z') }, 1),
    );
    expect(dead?.before.reachable).toBeUndefined();
    expect(dead?.after).toMatchObject({
      reachable: false,
      status: 'dead',
      httpStatus: 404,
      checkedAt: at('2027-01-21T10:20:00Z'),
      attempts: 0,
    });
    expect(dead?.after.retryAt).toBeUndefined();
    expect(await repos.resultLinks.markTold(link.id, at('2027-01-21T10:20:00Z'))).toBe(true);
    expect(await repos.resultLinks.markTold(link.id, at('2027-01-21T10:30:00Z'))).toBe(false);
    // Checked: not due again before the cutoff passes the check.
    expect(await repos.resultLinks.listDue(cohort.id, cutoff, at('2027-01-21T11:00:00Z'))).toEqual([]);
    expect(
      await repos.resultLinks.listDue(cohort.id, at('2027-02-21T00:00:00Z'), at('2027-02-21T11:00:00Z')),
    ).toHaveLength(1);

    // A check of a link that changed meanwhile is not stored.
    expect(
      await repos.resultLinks.recordCheck(
        link.id,
        'https://other.example.kz',
        resultLinkCheck({ status: 'alive', httpStatus: 200, checkedAt: at('2027-01-22T09:00:00Z') }, 0),
      ),
    ).toBeUndefined();

    // The teacher sends a working link: unchecked again, nothing told yet.
    expect(
      await repos.resultLinks.replaceUrl(link.id, 'https://wrong.example.kz', 'https://x', at('2027-01-22T09:00:00Z')),
    ).toBeUndefined();
    const replaced = await repos.resultLinks.replaceUrl(
      link.id,
      link.url,
      'https://school.example.kz/portfolio-2',
      at('2027-01-22T09:00:00Z'),
    );
    expect(replaced).toMatchObject({ url: 'https://school.example.kz/portfolio-2', attempts: 0 });
    expect(replaced?.reachable).toBeUndefined();
    expect(replaced?.toldAt).toBeUndefined();

    // Found open: live since that check, and stays so at the next open check.
    const live = await repos.resultLinks.recordCheck(
      link.id,
      replaced!.url,
      resultLinkCheck({ status: 'alive', httpStatus: 200, checkedAt: at('2027-01-22T09:10:00Z') }, 0),
    );
    expect(live?.after).toMatchObject({ reachable: true, liveSince: at('2027-01-22T09:10:00Z') });
    const again = await repos.resultLinks.recordCheck(
      link.id,
      replaced!.url,
      resultLinkCheck({ status: 'alive', httpStatus: 200, checkedAt: at('2027-02-22T09:10:00Z') }, 0),
    );
    expect(again?.after).toMatchObject({
      reachable: true,
      liveSince: at('2027-01-22T09:10:00Z'),
      checkedAt: at('2027-02-22T09:10:00Z'),
    });
    // A timeout later does not make it dead, nor undo the verdict.
    const timeout = await repos.resultLinks.recordCheck(
      link.id,
      replaced!.url,
      resultLinkCheck({ status: 'timeout', checkedAt: at('2027-03-22T09:10:00Z') }, 0),
    );
    expect(timeout?.after).toMatchObject({ reachable: true, liveSince: at('2027-01-22T09:10:00Z'), attempts: 1 });

    // A corrected answer recorded with another URL starts the checks again.
    const corrected = await repos.resultLinks.record({
      ...input,
      url: 'https://school.example.kz/portfolio-3',
      at: at('2027-03-23T09:00:00Z'),
    });
    expect(corrected).toMatchObject({ id: link.id, url: 'https://school.example.kz/portfolio-3', attempts: 0 });
    expect(corrected.reachable).toBeUndefined();
    expect(corrected.liveSince).toBeUndefined();
    expect(await repos.resultLinks.findById('nope')).toBeUndefined();

    // «Удалить мои данные»: the address goes, the verdict stays for the stage it decided; nothing is due any more.
    await repos.resultLinks.recordCheck(
      link.id,
      corrected.url,
      resultLinkCheck({ status: 'dead', httpStatus: 410, checkedAt: at('2027-03-24T09:00:00Z') }, 0),
    );
    await repos.erasure.erase(anna, at('2027-03-25T09:00:00Z'), () => false);
    const erased = await repos.resultLinks.findById(link.id);
    expect(erased).toMatchObject({ url: '', reachable: false, status: 'dead' });
    expect(isDeadResultLink(erased!)).toBe(false);
    expect(await repos.resultLinks.listDue(cohort.id, at('2028-01-01T00:00:00Z'), at('2028-01-01T00:00:00Z'))).toEqual(
      [],
    );
  });
});
