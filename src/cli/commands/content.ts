// `npm run cli -- content check [--root DIR]`: the checks a start runs on questionnaires/, flows/
// and flows/models/, for the methodologist after an edit: every problem in the CLI's language with
// its file and line (a start refuses in English, in the server's log), then what was found.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { userCwd } from '../../config.js';
import { readContent } from '../../engine/index.js';
import { t } from '../../i18n/index.js';
import { localized, wordProblem } from '../../questionnaires/index.js';
import { parseActionCall } from '../args.js';
import type { Output } from '../output.js';

/** Sputnik's own folder: the content a start here would read. */
const CONTENT_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function check(root: string, io: Output): number {
  const locale = io.locale ?? 'ru';
  if (!existsSync(root)) {
    io.err(`${t(locale, 'cli_text.q_no_dir', { dir: root })}\n`);
    return 1;
  }
  // Always read in full: the build's content cache would hide nothing, but a check should not trust it.
  const { content, errors } = readContent(root, userCwd());
  for (const error of errors) io.err(`${wordProblem(locale, error)}\n`);

  const models = content.models.all();
  const idWidth = Math.max(2, ...models.map((m) => m.id.length));
  if (models.length > 0) io.out(`${t(locale, 'cli_text.cc_models_heading')}\n`);
  for (const m of models) {
    const marks = [
      t(locale, 'cli_text.cc_stages', { count: m.stages.length }),
      t(locale, 'cli_text.cc_surveys', { count: m.questionnaires.length }),
      ...(m.default ? [t(locale, 'cli_text.cc_default')] : []),
    ];
    io.out(`  ${m.id.padEnd(idWidth)}  ${localized(m.title, locale)} — ${marks.join(', ')}\n`);
  }
  const questionnaires = content.questionnaires.all();
  const summary = [
    t(locale, 'cli_text.q_questionnaires', { count: new Set(questionnaires.map((q) => q.id)).size }),
    t(locale, 'cli_text.q_versions', { count: questionnaires.length }),
    t(locale, 'cli_text.cc_flows', { count: content.flows.all().length }),
    t(locale, 'cli_text.cc_models', { count: models.length }),
  ];
  io.out(
    `${models.length > 0 ? '\n' : ''}${summary.join(', ')}; ${t(locale, 'cli_text.q_errors', { count: errors.length })}\n`,
  );
  return errors.length > 0 ? 1 : 0;
}

export const contentCommand = {
  async run(args: string[], io: Output): Promise<number> {
    const call = parseActionCall('content', args, io, ['check'], { root: { type: 'string' } });
    if (typeof call === 'number') return call;
    return check(call.values.root === undefined ? CONTENT_ROOT : resolve(userCwd(), call.values.root), io);
  },
};
