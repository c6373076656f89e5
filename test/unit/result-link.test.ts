// Links in answers: what a check's outcome means (live, dead, or "could not check"), when an
// unreachable one is tried again, and which answers are links.
import { describe, expect, it } from 'vitest';
import { LINK_STATUSES } from '../../src/domain/activity.js';
import { answerLinks, linkVerdict, resultLinkChange, resultLinkCheck, retryAt } from '../../src/domain/result-link.js';

const at = new Date('2027-01-21T10:00:00Z');
const minutes = (d: Date) => (d.getTime() - at.getTime()) / 60_000;

describe('a link check, read for a link in an answer', () => {
  it('is dead only when a server answered that the page is not there, or the link can never be fetched', () => {
    expect(Object.fromEntries(LINK_STATUSES.map((s) => [s, linkVerdict(s)]))).toEqual({
      alive: 'live',
      dead: 'dead',
      redirect_loop: 'dead',
      invalid: 'dead',
      unsafe: 'dead',
      timeout: 'unknown',
      unreachable: 'unknown',
    });
  });

  it('keeps a link nobody answered for unchecked, with a retry a quarter of an hour later, doubling up to a day', () => {
    const unknown = resultLinkCheck({ status: 'unreachable', checkedAt: at }, 0);
    expect(unknown).toEqual({ kind: 'unknown', at, status: 'unreachable', retryAt: new Date('2027-01-21T10:15:00Z') });
    expect([1, 2, 3, 4, 7, 8, 20].map((n) => minutes(retryAt(at, n)))).toEqual([15, 30, 60, 120, 960, 1440, 1440]);
    expect(resultLinkCheck({ status: 'timeout', checkedAt: at }, 2)).toMatchObject({
      kind: 'unknown',
      retryAt: new Date('2027-01-21T11:00:00Z'),
    });
  });

  it('records an answer from the server as a verdict with its HTTP status', () => {
    expect(resultLinkCheck({ status: 'dead', httpStatus: 404, checkedAt: at }, 3)).toEqual({
      kind: 'checked',
      at,
      reachable: false,
      status: 'dead',
      httpStatus: 404,
    });
    expect(resultLinkCheck({ status: 'alive', httpStatus: 200, checkedAt: at }, 0)).toEqual({
      kind: 'checked',
      at,
      reachable: true,
      status: 'alive',
      httpStatus: 200,
    });
  });

  it('says what changed: found open, found dead, or nothing new', () => {
    expect(resultLinkChange({}, { reachable: true })).toBe('became-live');
    expect(resultLinkChange({ reachable: false }, { reachable: true })).toBe('became-live');
    expect(resultLinkChange({ reachable: true }, { reachable: true })).toBe('none');
    expect(resultLinkChange({}, { reachable: false })).toBe('became-dead');
    expect(resultLinkChange({ reachable: true }, { reachable: false })).toBe('became-dead');
    expect(resultLinkChange({ reachable: false }, { reachable: false })).toBe('none');
    expect(resultLinkChange({}, {})).toBe('none');
  });
});

describe('links among answers', () => {
  it('are the answers that are one web address', () => {
    const answered = new Date();
    const answers = [
      { questionId: 'results_link', value: 'https://school.kz/portfolio' },
      { questionId: 'main_change', value: 'Стала чаще проводить открытые уроки, см. https://school.kz' },
      { questionId: 'publications', value: true },
      { questionId: 'form', value: ['portfolio'] },
      { questionId: 'skipped', value: null },
      { questionId: 'publication_link', value: ' http://gazeta.kz/a ' },
    ].map((a) => ({ ...a, skipped: a.value === null, answeredAt: answered }));
    expect(answerLinks(answers)).toEqual([
      { questionId: 'results_link', url: 'https://school.kz/portfolio' },
      { questionId: 'publication_link', url: 'http://gazeta.kz/a' },
    ]);
  });
});
