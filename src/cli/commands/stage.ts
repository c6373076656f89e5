// `npm run cli -- stage set --cohort CODE --teacher PHONE|ID --stage N --status STATUS --comment TEXT`:
// a staff member's decision on a teacher's stage, which wins over the rules (like /stage in the bot).
import { t } from '../../i18n/index.js';
import { callProblem, commandHelp, parseCommandArgs, refuseCall } from '../args.js';
import { loadConfig } from '../../config.js';
import { formatLocalDate, localDate } from '../../domain/calendar.js';
import { toE164 } from '../../domain/phone.js';
import { STAGE_STATUSES, type StageStatus } from '../../domain/stage.js';
import { setStageByHand } from '../../progress/service.js';
import { openCliStore, processOutput, type Output } from './cohort.js';

export async function runStageCommand(
  args: string[],
  io: Output = processOutput,
  now: () => Date = () => new Date(),
): Promise<number> {
  const USAGE = commandHelp('stage', io);
  const locale = io.locale ?? 'ru';
  const statusName = (s: StageStatus) => t(locale, `cli_text.st_${s}`);
  const parsed = parseCommandArgs(
    {
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
  const [sub, ...rest] = parsed.positionals;
  const problem = callProblem(io, {
    action: { given: sub, known: ['set'] },
    extra: rest,
    missing: (['cohort', 'teacher', 'stage', 'status', 'comment'] as const)
      .filter((name) => v[name] === undefined || (name !== 'comment' && v[name] === ''))
      .map((name) => `--${name}`),
  });
  if (problem || !v.cohort || !v.teacher || !v.stage || !v.status || v.comment === undefined)
    return refuseCall(io, problem ?? '', USAGE);
  if (!/^[1-9]\d*$/.test(v.stage.trim())) {
    io.err(`${t(locale, 'cli_usage.bad_stage')}\n`);
    return 2;
  }
  if (!STAGE_STATUSES.includes(v.status as StageStatus)) {
    io.err(`${t(locale, 'cli_text.st_bad_status', { values: STAGE_STATUSES.join(', ') })}\n`);
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
      io.err(`${t(locale, 'cli_text.st_no_cohort', { code: v.cohort })}\n`);
      return 1;
    }
    const phone = toE164(v.teacher);
    const teacher =
      (phone ? await repos.participants.findByPhone(phone) : undefined) ??
      (await repos.participants.findById(v.teacher.trim()));
    if (!teacher) {
      io.err(`${t(locale, 'cli_text.st_no_teacher', { teacher: v.teacher })}\n`);
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
      const text =
        e.kind === 'not_enrolled'
          ? t(locale, 'cli_text.st_not_enrolled', { code: cohort.code })
          : e.kind === 'no_such_stage'
            ? t(locale, 'cli_text.st_bad_stage', { stages: e.stages.join(', ') })
            : t(locale, 'cli_text.st_no_comment');
      io.err(`${text}\n`);
      return e.kind === 'not_enrolled' ? 1 : 2;
    }
    io.out(`${t(locale, 'cli_text.st_set', { stage: v.stage, status: statusName(status) })}\n`);
    for (const s of result.value.stages) {
      const date = s.completedAt ?? s.startedAt;
      const line = t(locale, 'cli_text.st_line', { stage: s.stage, status: statusName(s.status) });
      io.out(
        `${line}${date ? ` (${formatLocalDate(localDate(date, cohort.timeZone))})` : ''}${s.cause.kind === 'manual' ? t(locale, 'cli_text.st_manual') : ''}\n`,
      );
    }
    return 0;
  } finally {
    await store.close();
  }
}

export const stageCommand = {
  run: (args: string[], io: Output) => runStageCommand(args, io),
};
