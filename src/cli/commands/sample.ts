// `npm run cli -- sample --size N --seed TEXT [filters] [--save] [--assign QUESTIONNAIRE]`: a
// stratified sample (seed 001) with its strata table; saved and given a questionnaire on request.
import { parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';
import type { Locale } from '../../domain/locale.js';
import { t } from '../../i18n/index.js';
import { marginals, type MarginalRow } from '../../monitoring/index.js';
import { processOutput, type Output } from './cohort.js';
import { cliScope, FILTER_HELP, FILTER_OPTIONS, textTable, withMonitoring } from './monitoring-common.js';

const USAGE = `Использование: npm run cli -- sample --size N --seed ТЕКСТ [параметры]
  Стратифицированная выборка: доли регионов, направлений и городских/сельских школ как у всех слушателей.
  --size N                 сколько респондентов
  --seed ТЕКСТ             зерно: с тем же зерном та же выборка
  --save                   сохранить выборку (печатает её id)
  --assign АНКЕТА          сохранить и назначить анкету; планировщик разошлёт приглашения
  --occasion ПОВОД         повод анкетирования (по умолчанию sample-<id выборки>)
${FILTER_HELP}`;

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
  const problem =
    v.size === undefined
      ? '--size: укажите, сколько респондентов нужно'
      : !Number.isInteger(size) || size < 1
        ? '--size: ожидается целое число от 1'
        : !v.seed
          ? '--seed: обязателен, чтобы выборку можно было повторить'
          : undefined;
  if (problem || !v.seed) {
    io.err(`${problem ?? ''}\n\n${USAGE}`);
    return 2;
  }
  const seed = v.seed;
  const locale = io.locale ?? 'ru';
  const writes = v.save === true || v.assign !== undefined;
  return withMonitoring(
    loadConfig(),
    io,
    async (monitoring) => {
      const scope = await cliScope(monitoring, v, io);
      if (!scope) return 2;
      const sample = await monitoring.drawSample({ size, seed, ...(scope.cohortIds ? { cohortIds: scope.cohortIds } : {}) });
      io.out(`Выборка ${sample.size} из ${sample.population} (зерно «${sample.seed}»)\n`);
      if (size > sample.population) {
        io.err(`${t(locale, 'monitoring.sample_too_large', { size, population: sample.population })}\n`);
      }
      io.out('\nСтраты\n');
      io.out(
        `${textTable(
          [
            t(locale, 'monitoring.col_region'),
            t(locale, 'monitoring.col_direction'),
            t(locale, 'monitoring.col_settlement'),
            t(locale, 'monitoring.total'),
            'Квота',
            'В выборке',
          ],
          sample.strata.map((s) => [
            label(s.region, locale),
            label(s.direction, locale),
            label(s.settlementType, locale),
            s.population,
            Math.round(s.quota * 100) / 100,
            s.sampled,
          ]),
        )}\n\nДоли\n`,
      );
      io.out(
        `${textTable(
          ['Признак', 'Значение', t(locale, 'monitoring.total'), 'Доля', 'В выборке', 'Доля в выборке'],
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
        `\nРеспонденты\n${textTable(
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
        io.out(`\nВыборка сохранена: ${id}\n`);
        if (v.assign) {
          const r = await monitoring.assignSampleQuestionnaire(id, {
            questionnaireId: v.assign,
            ...(v.occasion ? { occasion: v.occasion } : {}),
            by: 'cli',
          });
          if (!r.ok) {
            io.err(
              r.error.kind === 'already_assigned'
                ? `Анкета не назначена: выборке уже назначена анкета ${r.error.questionnaireId}\n`
                : 'Анкета не назначена: выборка не найдена\n',
            );
            return 1;
          }
          io.out(
            `Назначена анкета ${v.assign} (повод ${r.value.occasion}) для ${r.value.members} респондентов; приглашения разошлёт планировщик.\n`,
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
