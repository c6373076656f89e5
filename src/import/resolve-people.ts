// Matches people read from a file with the participants already stored (by phone first, then by
// Telegram username), and works out what to create or change. Planning only reads; `writePeople`
// writes, so a file that contradicts the store is refused before anything changes.
import type { Locale } from '../domain/locale.js';
import { addressOn, type Participant } from '../domain/participant.js';
import type { ParticipantInput, ParticipantProfilePatch, ParticipantRepository } from '../domain/repositories.js';
import { err, ok, type Result } from '../domain/result.js';
import { phrase, word, type Phrase } from '../i18n/index.js';
import { PROFILE_FIELDS, type ImportProblem, type PersonRow } from './fields.js';

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
  source: Phrase;
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
  /** What to tell the staff, in their language; the error's message is its Russian wording, for logs. */
  readonly reason: Phrase;
  constructor(reason: Phrase, options?: { cause?: unknown }) {
    super(word('ru', reason), options);
    this.name = 'ImportWriteError';
    this.reason = reason;
  }
}

function describe(p: Participant): Phrase {
  const who = p.fullName ? phrase('imports.person', { name: p.fullName }) : phrase('imports.person_nameless');
  const username = telegramUsernameOf(p);
  const contact = p.phone ?? (username ? `@${username}` : undefined);
  return contact ? phrase('imports.person_with', { who, contact }) : who;
}

function problemAt(row: PersonRow, message: Phrase): ImportProblem {
  return { at: row.source, message, ...(row.line !== undefined ? { line: row.line } : {}) };
}

export async function planPeople(
  participants: ParticipantRepository,
  rows: readonly PersonRow[],
): Promise<Result<PersonPlan[], ImportProblem[]>> {
  const { plans, problems } = await planEveryPerson(participants, rows);
  return problems.length > 0 ? err(problems) : ok(plans);
}

/** The plan of every row that has one, and the problems of the others: a caller may check the plans further in the same pass. */
export async function planEveryPerson(
  participants: ParticipantRepository,
  rows: readonly PersonRow[],
): Promise<{ plans: PersonPlan[]; problems: ImportProblem[] }> {
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
          phrase('imports.phone_and_username_split', {
            phone: row.phone ?? '',
            first: describe(byPhone),
            username: row.telegramUsername ?? '',
            second: describe(byUsername),
          }),
        ),
      );
      continue;
    }
    const existing = byPhone ?? byUsername;
    if (existing && !byPhone && row.phone && existing.phone && existing.phone !== row.phone) {
      problems.push(
        problemAt(
          row,
          phrase('imports.username_other_phone', { username: row.telegramUsername ?? '', person: describe(existing) }),
        ),
      );
      continue;
    }
    if (existing) {
      const earlier = rowOfParticipant.get(existing.id);
      if (earlier) {
        problems.push(
          problemAt(row, phrase('imports.same_participant', { person: describe(existing), source: earlier.source })),
        );
        continue;
      }
      rowOfParticipant.set(existing.id, row);
    }
    plans.push(existing ? planUpdate(row, existing) : planCreate(row));
  }
  return { plans, problems };
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
      throw new ImportWriteError(phrase('imports.write_vanished', { source: plan.row.source }));
    }
    if (!result.ok) {
      throw new ImportWriteError(
        phrase(result.error.field === 'phone' ? 'imports.write_phone_taken' : 'imports.write_address_taken', {
          source: plan.row.source,
        }),
      );
    }
    out.push(result.value);
  }
  return out;
}
