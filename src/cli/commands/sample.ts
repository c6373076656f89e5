// `npm run cli -- sample --size N --seed TEXT [filters] [--save] [--assign QUESTIONNAIRE]`: a
// stratified sample (seed 001) with its strata table; saved and given a questionnaire on request.
import { parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';
import { loadSamplingUnits, saveSample, assignQuestionnaire } from '../../monitoring/sample-store.js';
import { drawStratifiedSample, marginals } from '../../monitoring/sampling.js';
import { openCliStore, processOutput, type Output } from './cohort.js';
import { cliScope, FILTER_HELP, FILTER_OPTIONS, textTable } from './monitoring-common.js';

const USAGE = `Использование: npm run cli -- sample --size N --seed ТЕКСТ [параметры]
  Стратифицированная выборка: доли регионов, направлений и городских/сельских школ как у всех слушателей.
  --size N                 сколько респондентов
  --seed ТЕКСТ             зерно: с тем же зерном та же выборка
  --save                   сохранить выборку (печатает её id)
  --assign АНКЕТА          сохранить и назначить анкету; планировщик разошлёт приглашения
  --occasion ПОВОД         повод анкетирования (по умолчанию sample-<id выборки>)
${FILTER_HELP}`;

const pct = (x: number) => `${(Math.round(x * 1000) / 10).toString().replace('.', ',')}%`;
const SETTLEMENT: Record<string, string> = { urban: 'город', rural: 'село' };
const label = (v: string | null) => (v === null ? 'не указано' : (SETTLEMENT[v] ?? v));

export async function runSampleCommand(args: string[], io: Output = processOutput): Promise<number> {
  const parsed = parseCommandArgs({ args, options: { ...FILTER_OPTIONS, size: { type: 'string' }, seed: { type: 'string' }, save: { type: 'boolean' }, assign: { type: 'string' }, occasion: { type: 'string' } } }, USAGE, io);
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const size = Number(v.size);
  if (!Number.isInteger(size) || size < 1 || !v.seed) {
    io.err(USAGE);
    return 2;
  }
  const writes = v.save === true || v.assign !== undefined;
  const store = await openCliStore(loadConfig(), io, { dryRun: !writes });
  if (!store) return 1;
  try {
    const scope = await cliScope(store, v, io);
    if (!scope) return 2;
    const units = await loadSamplingUnits(store.connection, scope);
    const sample = drawStratifiedSample(units, size, v.seed);
    io.out(`Выборка ${sample.size} из ${sample.population} (зерно «${sample.seed}»)\n\nСтраты\n`);
    io.out(`${textTable(
      ['Регион', 'Направление', 'Город/село', 'Всего', 'Квота', 'В выборке'],
      sample.strata.map((s) => [label(s.region), label(s.direction), label(s.settlementType), s.population, Math.round(s.quota * 100) / 100, s.sampled]),
    )}\n\nДоли\n`);
    io.out(`${textTable(
      ['Признак', 'Значение', 'Всего', 'Доля', 'В выборке', 'Доля в выборке'],
      marginals(sample).map((m) => [m.dimension, label(m.value), m.population, pct(m.populationShare), m.sampled, pct(m.sampleShare)]),
    )}\n\nРеспонденты (id участника, поток)\n${sample.members.map((m) => `${m.participantId}  ${m.cohortId}`).join('\n')}\n`);
    if (writes) {
      const id = await saveSample(store.connection, sample, { createdBy: 'cli', ...(scope.cohortIds ? { cohortIds: scope.cohortIds } : {}) });
      io.out(`\nВыборка сохранена: ${id}\n`);
      if (v.assign) {
        const occasion = v.occasion ?? `sample-${id}`;
        const r = await assignQuestionnaire(store.connection, id, { questionnaireId: v.assign, occasion, at: new Date(), by: 'cli' });
        if (!r.ok) {
          io.err(`Анкета не назначена: ${r.error.kind}\n`);
          return 1;
        }
        io.out(`Назначена анкета ${v.assign} (повод ${occasion}) для ${r.value.members} респондентов; приглашения разошлёт планировщик.\n`);
      }
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const sampleCommand = {
  summary: 'stratified sample: sample --size N --seed TEXT [--save] [--assign QUESTIONNAIRE]',
  run: (args: string[]) => runSampleCommand(args),
};
