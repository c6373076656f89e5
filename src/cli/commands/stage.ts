// `npm run cli -- stage set --cohort CODE --teacher PHONE|ID --stage N --status STATUS --comment TEXT`:
// a staff member's decision on a teacher's stage, which wins over the rules (like /stage in the bot).
import { parseCommandArgs } from '../args.js';
import { loadConfig } from '../../config.js';
import { toE164 } from '../../domain/phone.js';
import { STAGE_STATUSES, type StageStatus } from '../../domain/stage.js';
import { setStageByHand } from '../../progress/service.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

const USAGE = `Использование: npm run cli -- stage set --cohort КОД --teacher ТЕЛЕФОН|ID --stage N --status СТАТУС --comment ТЕКСТ
  Отмечает этап педагога вручную: отметка действует вместо правил, пока её не изменят, и видна в отчёте.
  --status                 completed (завершён), in_progress (в работе) или not_started (не начат)
  --comment                основание (обязательно): его увидят педагог и отчёт
`;

const STATUS_NAMES: Record<StageStatus, string> = { not_started: 'не начат', in_progress: 'в работе', completed: 'завершён' };

export async function runStageCommand(args: string[], io: Output = processOutput, now: () => Date = () => new Date()): Promise<number> {
  const parsed = parseCommandArgs({
    args,
    allowPositionals: true,
    options: {
      cohort: { type: 'string' },
      teacher: { type: 'string' },
      stage: { type: 'string' },
      status: { type: 'string' },
      comment: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  }, USAGE, io);
  if (!parsed) return 2;
  const v = parsed.values;
  if (v.help) {
    io.out(USAGE);
    return 0;
  }
  const [sub] = parsed.positionals;
  if (sub !== 'set' || !v.cohort || !v.teacher || !v.stage || !v.status || v.comment === undefined) {
    io.err(USAGE);
    return 2;
  }
  if (!STAGE_STATUSES.includes(v.status as StageStatus)) {
    io.err(`--status: ожидается ${STAGE_STATUSES.join(', ')}\n`);
    return 2;
  }
  const status = v.status as StageStatus;
  const config = loadConfig();
  const store = await openCliStore(config, io, { dryRun: false });
  if (!store) return 1;
  try {
    const repos = store.repositories;
    const cohort = await repos.cohorts.findByCode(v.cohort.trim());
    if (!cohort) {
      io.err(`Поток с кодом «${v.cohort}» не найден.\n`);
      return 1;
    }
    const phone = toE164(v.teacher);
    const teacher = (phone ? await repos.participants.findByPhone(phone) : undefined) ?? (await repos.participants.findById(v.teacher.trim()));
    if (!teacher) {
      io.err(`Педагог «${v.teacher}» не найден (укажите телефон или id).\n`);
      return 1;
    }
    const result = await setStageByHand(repos, {
      participantId: teacher.id,
      cohortId: cohort.id,
      stage: Number(v.stage),
      status,
      comment: v.comment,
      by: 'cli',
      at: now(),
    });
    if (!result.ok) {
      const e = result.error;
      io.err(
        e.kind === 'not_enrolled'
          ? `Педагог не зачислен в поток ${cohort.code}.\n`
          : e.kind === 'no_such_stage'
            ? `--stage: в плане потока этапы ${e.stages.join(', ')}\n`
            : '--comment: укажите основание.\n',
      );
      return e.kind === 'not_enrolled' ? 1 : 2;
    }
    io.out(`Этап ${v.stage} отмечен вручную: ${STATUS_NAMES[status]}.\n`);
    for (const s of result.value.stages) {
      const date = s.completedAt ?? s.startedAt;
      io.out(`  этап ${s.stage}: ${STATUS_NAMES[s.status]}${date ? ` (${date.toISOString().slice(0, 10)})` : ''}${s.cause.kind === 'manual' ? ' — вручную' : ''}\n`);
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const stageCommand = {
  run: (args: string[]) => runStageCommand(args),
};
