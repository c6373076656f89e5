// `npm run cli -- sample --size N --seed TEXT [filters] [--save] [--assign QUESTIONNAIRE]`: a
// stratified sample (seed 001) with its strata table; saved and given a questionnaire on request.
import { parseCommandArgs, commandHelp } from '../args.js';
import { loadConfig } from '../../config.js';
import type { Locale } from '../../domain/locale.js';
import { t } from '../../i18n/index.js';
import { marginals, type MarginalRow } from '../../monitoring/index.js';
import { localized } from '../../questionnaires/text.js';
import { processOutput, type Output } from './cohort.js';
import { cliScope, FILTER_OPTIONS, textTable, withMonitoring } from './monitoring-common.js';

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toString().replace('.', ',')}%`;

function label(v: string | null, locale: Locale): string {
  if (v === null) return t(locale, 'monitoring.not_specified');
  if (v === 'urban') return t(locale, 'monitoring.settlement_urban');
  if (v === 'rural') return t(locale, 'monitoring.settlement_rural');
  return v;
}

const DIMENSION_NAMES = {
  region: 'monitoring.col_region',
  direction: 'monitoring.col_direction',
  settlementType: 'monitoring.col_settlement',
} as const;

function dimensionName(d: MarginalRow['dimension'], locale: Locale): string {
  return t(locale, DIMENSION_NAMES[d]);
}

export async function runSampleCommand(args: string[], io: Output = processOutput): Promise<number> {
  const USAGE = commandHelp('sample', io);
  const parsed = parseCommandArgs(
    {
      args,
      options: {
        ...FILTER_OPTIONS,
        size: { type: 'string' },
        seed: { type: 'string' },
        save: { type: 'boolean' },
        assign: { type: 'string' },
        occasion: { type: 'string' },
      },
    },
    USAGE,
    io,
  );
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const size = Number(v.size);
  const locale = io.locale ?? 'ru';
  const problem =
    v.size === undefined
      ? t(locale, 'cli_text.sm_no_size')
      : !Number.isInteger(size) || size < 1
        ? t(locale, 'cli_text.sm_bad_size')
        : !v.seed
          ? t(locale, 'cli_text.sm_no_seed')
          : undefined;
  if (problem || !v.seed) {
    io.err(`${problem ?? ''}\n\n${USAGE}`);
    return 2;
  }
  const seed = v.seed;
  const writes = v.save === true || v.assign !== undefined;
  return withMonitoring(
    loadConfig(),
    io,
    async (monitoring, catalog) => {
      const scope = await cliScope(monitoring, v, io);
      if (!scope) return 2;
      // A questionnaire the catalog does not know would be saved and never sent: refused before anything is written.
      const assigned = v.assign === undefined ? undefined : catalog.get(v.assign);
      if (v.assign !== undefined && !assigned) {
        const known = catalog
          .latest()
          .map((q) => q.id)
          .join(', ');
        io.err(`${t(locale, 'cli_usage.no_questionnaire', { id: v.assign, known })}\n`);
        return 2;
      }
      const sample = await monitoring.drawSample({
        size,
        seed,
        ...(scope.cohortIds ? { cohortIds: scope.cohortIds } : {}),
      });
      io.out(
        `${t(locale, 'cli_text.sm_drawn', { size: sample.size, population: sample.population, seed: sample.seed })}\n`,
      );
      if (size > sample.population) {
        io.err(`${t(locale, 'monitoring.sample_too_large', { size, population: sample.population })}\n`);
      }
      io.out(`\n${t(locale, 'cli_text.sm_strata')}\n`);
      io.out(
        `${textTable(
          [
            t(locale, 'monitoring.col_region'),
            t(locale, 'monitoring.col_direction'),
            t(locale, 'monitoring.col_settlement'),
            t(locale, 'monitoring.total'),
            t(locale, 'cli_text.sm_quota'),
            t(locale, 'cli_text.sm_sampled'),
          ],
          sample.strata.map((s) => [
            label(s.region, locale),
            label(s.direction, locale),
            label(s.settlementType, locale),
            s.population,
            Math.round(s.quota * 100) / 100,
            s.sampled,
          ]),
        )}\n\n${t(locale, 'cli_text.sm_shares')}\n`,
      );
      io.out(
        `${textTable(
          [
            t(locale, 'cli_text.sm_dimension'),
            t(locale, 'cli_text.sm_value'),
            t(locale, 'monitoring.total'),
            t(locale, 'cli_text.sm_share'),
            t(locale, 'cli_text.sm_sampled'),
            t(locale, 'cli_text.sm_sample_share'),
          ],
          marginals(sample).map((m) => [
            dimensionName(m.dimension, locale),
            label(m.value, locale),
            m.population,
            pct(m.populationShare),
            m.sampled,
            pct(m.sampleShare),
          ]),
        )}\n`,
      );
      const members = await monitoring.sampleMembers(sample, locale);
      const strata = new Map(sample.members.map((m) => [m.participantId, m]));
      io.out(
        `\n${t(locale, 'cli_text.sm_respondents')}\n${textTable(
          [
            t(locale, 'monitoring.col_full_name'),
            t(locale, 'monitoring.col_cohort'),
            t(locale, 'monitoring.col_region'),
            t(locale, 'monitoring.col_direction'),
            t(locale, 'monitoring.col_settlement'),
          ],
          members.map((m) => {
            const unit = strata.get(m.participantId);
            return [
              m.name,
              m.cohort,
              label(unit?.region ?? null, locale),
              label(unit?.direction ?? null, locale),
              label(unit?.settlementType ?? null, locale),
            ];
          }),
        )}\n`,
      );
      if (writes) {
        const id = await monitoring.saveSample(sample, {
          createdBy: 'cli',
          ...(scope.cohortIds ? { cohortIds: scope.cohortIds } : {}),
        });
        io.out(`\n${t(locale, 'cli_text.sm_saved', { id })}\n`);
        if (v.assign && assigned) {
          const r = await monitoring.assignSampleQuestionnaire(id, {
            questionnaireId: v.assign,
            ...(v.occasion ? { occasion: v.occasion } : {}),
            by: 'cli',
          });
          if (!r.ok) {
            io.err(
              `${r.error.kind === 'already_assigned' ? t(locale, 'cli_text.sm_already_assigned', { id: r.error.questionnaireId }) : t(locale, 'cli_text.sm_not_found')}\n`,
            );
            return 1;
          }
          io.out(
            `${t(locale, 'cli_usage.sm_assigned', {
              title: localized(assigned.title, locale),
              id: v.assign,
              occasion: r.value.occasion,
              count: r.value.members,
            })}\n`,
          );
        }
      }
      return 0;
    },
    { dryRun: !writes },
  );
}

export const sampleCommand = {
  run: (args: string[], io: Output) => runSampleCommand(args, io),
};
