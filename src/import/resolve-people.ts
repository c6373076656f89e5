// Matches people read from a file with the participants already stored (by phone first, then by
// Telegram username), and works out what to create or change. Planning only reads; `writePeople`
// writes, so a file that contradicts the store is refused before anything changes.
import type { Locale } from '../domain/locale.js';
import { addressOn, type Participant } from '../domain/participant.js';
import type { ParticipantInput, ParticipantProfilePatch, ParticipantRepository } from '../domain/repositories.js';
import { err, ok, type Result } from '../domain/result.js';
import { PROFILE_FIELDS, quote, type ImportProblem, type PersonRow } from './fields.js';

export type PersonAction = 'create' | 'update' | 'unchanged';

/** A profile change as a file states it: the Telegram username is the person's Telegram address. */
export type ImportedPatch = ParticipantProfilePatch & { telegramUsername?: string };

/** The username of a person's Telegram address: what a file's "Telegram" column is matched with. */
export function telegramUsernameOf(p: Participant): string | undefined {
  return addressOn(p, 'telegram')?.username;
}

export interface PersonPlan {
  row: PersonRow;
  existing?: Participant;
  /** For `update`: only the fields whose value differs from the stored one. */
  changes: ImportedPatch;
  action: PersonAction;
  /** Changed field names, for the report. */
  changedFields: (keyof ImportedPatch)[];
}

/** Who an import changes and how, so the curator sees a name being rewritten before trusting it. */
export interface PersonUpdate {
  source: string;
  fullName: string;
  fields: (keyof ImportedPatch)[];
}

export function listUpdates(plans: readonly PersonPlan[]): PersonUpdate[] {
  return plans
    .filter((p) => p.action === 'update')
    .map((p) => ({ source: p.row.source, fullName: p.existing?.fullName ?? p.row.fullName, fields: p.changedFields }));
}

/** A write failed half-way (another process took a phone in between): re-running the import is safe. */
export class ImportWriteError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ImportWriteError';
  }
}

function describe(p: Participant): string {
  const who = p.fullName ? quote(p.fullName) : 'без имени';
  return p.phone ? `${who} (${p.phone})` : telegramUsernameOf(p) ? `${who} (@${telegramUsernameOf(p)})` : who;
}

function problemAt(row: PersonRow, message: string): ImportProblem {
  return { at: row.source, message, ...(row.line !== undefined ? { line: row.line } : {}) };
}

export async function planPeople(
  participants: ParticipantRepository,
  rows: readonly PersonRow[],
): Promise<Result<PersonPlan[], ImportProblem[]>> {
  const problems: ImportProblem[] = [];
  const plans: PersonPlan[] = [];
  const rowOfParticipant = new Map<string, PersonRow>();

  for (const row of rows) {
    const byPhone = row.phone ? await participants.findByPhone(row.phone) : undefined;
    const byUsername = row.telegramUsername
      ? await participants.findByUsername('telegram', row.telegramUsername)
      : undefined;
    if (byPhone && byUsername && byPhone.id !== byUsername.id) {
      problems.push(
        problemAt(
          row,
          `телефон ${row.phone} уже записан за участником ${describe(byPhone)}, а Telegram @${row.telegramUsername} — за другим: ${describe(byUsername)}`,
        ),
      );
      continue;
    }
    const existing = byPhone ?? byUsername;
    if (existing && !byPhone && row.phone && existing.phone && existing.phone !== row.phone) {
      problems.push(
        problemAt(
          row,
          `Telegram @${row.telegramUsername} уже записан за участником ${describe(existing)} с другим телефоном; проверьте, тот ли это человек`,
        ),
      );
      continue;
    }
    if (existing) {
      const earlier = rowOfParticipant.get(existing.id);
      if (earlier) {
        problems.push(
          problemAt(row, `это тот же участник ${describe(existing)}, что и ${earlier.source}; объедините записи`),
        );
        continue;
      }
      rowOfParticipant.set(existing.id, row);
    }
    plans.push(existing ? planUpdate(row, existing) : planCreate(row));
  }
  return problems.length > 0 ? err(problems) : ok(plans);
}

function planCreate(row: PersonRow): PersonPlan {
  return { row, changes: {}, action: 'create', changedFields: [] };
}

function planUpdate(row: PersonRow, existing: Participant): PersonPlan {
  const changes: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) {
    const value = row[field];
    const stored = field === 'telegramUsername' ? telegramUsernameOf(existing) : existing[field];
    if (value === undefined || value === stored) continue;
    // Once the person has talked to the bot, Telegram keeps their username current and the
    // language is the one they chose there: a spreadsheet is the likelier one to be out of date.
    const talked = (channel?: string) =>
      existing.addresses.some((a) => a.id !== undefined && (channel === undefined || a.channel === channel));
    if (field === 'telegramUsername' && talked('telegram')) continue;
    if (field === 'locale' && talked()) continue;
    changes[field] = value;
  }
  const changedFields = Object.keys(changes) as (keyof ImportedPatch)[];
  return {
    row,
    existing,
    changes: changes as ImportedPatch,
    action: changedFields.length > 0 ? 'update' : 'unchanged',
    changedFields,
  };
}

export function toParticipantInput(row: PersonRow, defaultLocale: Locale): ParticipantInput {
  const input: ParticipantInput = { fullName: row.fullName, locale: row.locale ?? defaultLocale };
  for (const field of PROFILE_FIELDS) {
    const value = row[field];
    if (value !== undefined && field !== 'locale' && field !== 'telegramUsername')
      Object.assign(input, { [field]: value });
  }
  if (row.telegramUsername) input.addresses = [{ channel: 'telegram', username: row.telegramUsername }];
  return input;
}

/** Carries out the plans in order; returns the participant of each plan. */
export async function writePeople(
  participants: ParticipantRepository,
  plans: readonly PersonPlan[],
  defaultLocale: Locale,
): Promise<Participant[]> {
  const out: Participant[] = [];
  for (const plan of plans) {
    if (plan.action === 'unchanged' && plan.existing) {
      out.push(plan.existing);
      continue;
    }
    const { telegramUsername, ...profile } = plan.changes;
    let result =
      plan.action === 'create' || !plan.existing
        ? await participants.create(toParticipantInput(plan.row, defaultLocale))
        : await participants.updateProfile(plan.existing.id, profile);
    if (result?.ok && plan.action === 'update' && telegramUsername !== undefined) {
      result = await participants.linkAddress(result.value.id, { channel: 'telegram', username: telegramUsername });
    }
    if (result === undefined) {
      throw new ImportWriteError(
        `${plan.row.source}: участник исчез из базы во время импорта; запустите импорт ещё раз`,
      );
    }
    if (!result.ok) {
      throw new ImportWriteError(
        `${plan.row.source}: ${result.error.field === 'phone' ? 'телефон' : 'адрес в мессенджере'} только что записан за другим участником; запустите импорт ещё раз`,
      );
    }
    out.push(result.value);
  }
  return out;
}
