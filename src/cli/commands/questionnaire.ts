// `npm run cli -- questionnaire check [--dir DIR]`: validates every questionnaire file, for the
// methodologist after an edit and for CI. One line per error, then what was found.
import { existsSync } from 'node:fs';
import { userCwd } from '../../config.js';
import { LOCALES } from '../../domain/locale.js';
import {
  loadQuestionnaires,
  translationCoverage,
  wordProblem,
  type Questionnaire,
} from '../../questionnaires/index.js';
import { t } from '../../i18n/index.js';
import { parseActionCall } from '../args.js';
import { processOutput, userPath, type Output } from './cohort.js';

function languages(q: Questionnaire): string {
  const coverage = translationCoverage(q);
  return LOCALES.filter((l) => coverage[l].translated > 0)
    .map((l) =>
      coverage[l].translated === coverage[l].total
        ? l
        : `${l} ${Math.floor((100 * coverage[l].translated) / coverage[l].total)}%`,
    )
    .join(', ');
}

function check(dir: string, io: Output): number {
  const locale = io.locale ?? 'ru';

  if (!existsSync(userPath(dir))) {
    io.err(`${t(locale, 'cli_text.q_no_dir', { dir })}\n`);
    return 1;
  }
  const { catalog, errors } = loadQuestionnaires(userPath(dir), { root: userCwd() });
  for (const error of errors) io.err(`${wordProblem(locale, error)}\n`);

  const all = catalog.all();
  const latest = new Set(catalog.latest());
  const idWidth = Math.max(2, ...all.map((q) => q.id.length));
  for (const q of all) {
    const count = t(locale, 'cli_text.q_questions', { count: q.questions.length });
    const state = t(locale, latest.has(q) ? 'cli_text.q_active' : 'cli_text.q_archived');
    io.out(
      `${q.id.padEnd(idWidth)}  v${String(q.version).padEnd(3)} ${state}  ${count.padEnd(13)}  ${languages(q).padEnd(22)}  ${q.source}\n`,
    );
  }
  if (all.length === 0 && errors.length === 0) {
    io.err(`${t(locale, 'cli_text.q_none', { dir })}\n`);
    return 1;
  }
  const ids = new Set(all.map((q) => q.id)).size;
  const summary = [
    t(locale, 'cli_text.q_questionnaires', { count: ids }),
    t(locale, 'cli_text.q_versions', { count: all.length }),
    t(locale, 'cli_text.q_errors', { count: errors.length }),
  ];
  io.out(`\n${summary.join(', ')}\n`);
  return errors.length > 0 ? 1 : 0;
}

export const questionnaireCommand = {
  async run(args: string[], io: Output = processOutput): Promise<number> {
    const call = parseActionCall('questionnaire', args, io, ['check'], {
      dir: { type: 'string', default: 'questionnaires' },
    });
    if (typeof call === 'number') return call;
    return check(call.values.dir ?? 'questionnaires', io);
  },
};
