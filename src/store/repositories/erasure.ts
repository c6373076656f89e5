// «Удалить мои данные» (152-FZ art. 21, Kazakhstan 94-V art. 18): everything stored about the person
// is removed or anonymised, collection by collection. What stays is what the cohort's figures need
// (choice answers, activity types and dates, consultation and delivery counts), tied to a record
// that names nobody. The README's "Data and privacy" section lists the same, and a test searches
// every collection and export for the person's name, phone and usernames afterwards.
import type { Document } from 'mongodb';
import type { Participant } from '../../domain/participant.js';
import { PERSONAL_FIELDS } from '../../domain/participant.js';
import type { AnswerKept, ErasureRepository, PersonEraser } from '../../domain/repositories.js';
import type { Models } from '../models/index.js';
import { requireObjectId } from './ids.js';

/** What an erased text becomes where the field must hold something. */
export const ERASED = '—';

/** The addresses a person is written to and known by: private chats on each channel. */
function chatIdsOf(person: Participant): string[] {
  return person.addresses.flatMap((a) => (a.id !== undefined ? [a.id] : []));
}

/** Every form of the person's identifiers that could have been copied into a free text. */
export function identifiersOf(person: Participant): string[] {
  const digits = person.phone?.replace(/\D/g, '');
  return [
    person.fullName,
    person.phone,
    digits,
    ...person.addresses.flatMap((a) => [a.id, a.username, a.username ? `@${a.username}` : undefined]),
  ].filter((v): v is string => typeof v === 'string' && v.length >= 4);
}

function mentions(value: unknown, needles: readonly string[]): boolean {
  if (typeof value !== 'string') return false;
  const lower = value.toLowerCase();
  return needles.some((n) => lower.includes(n.toLowerCase()));
}

export function createErasureRepository(models: Models): ErasureRepository {
  const erasers: PersonEraser[] = [];

  async function responses(_id: unknown, answerKept: AnswerKept): Promise<void> {
    const col = models.response.collection;
    for await (const doc of col.find(
      { participantId: _id },
      { projection: { questionnaireId: 1, questionnaireVersion: 1, answers: 1 } },
    )) {
      const answers = (doc.answers as Document[]).map((a) => {
        const kept =
          typeof a.value !== 'string' ||
          answerKept({
            questionnaireId: String(doc.questionnaireId),
            questionnaireVersion: Number(doc.questionnaireVersion),
            questionId: String(a.questionId),
          });
        // "Other: …" is always typed by the person.
        const { otherText: _other, ...rest } = a;
        return kept ? rest : { ...rest, value: null };
      });
      await col.updateOne({ _id: doc._id }, { $set: { answers } });
    }
  }

  async function broadcasts(_id: unknown, chatIds: readonly string[]): Promise<void> {
    // The delivery stays counted (sent, failed) but no longer says to whom.
    const filter = { $or: [{ participantId: _id }, ...(chatIds.length ? [{ chatId: { $in: [...chatIds] } }] : [])] };
    await models.broadcastDelivery.collection.updateMany(filter, {
      $set: { chatId: ERASED },
      $unset: { participantId: '', reason: '' },
    });
    // Broadcasts not yet moved to their own deliveries (see migrateBroadcastDeliveries).
    const col = models.broadcast.collection;
    const mine = (d: Document) => String(d.participantId) === String(_id) || chatIds.includes(String(d.chatId));
    const legacy = {
      $or: [
        { 'deliveries.participantId': _id },
        ...(chatIds.length ? [{ 'deliveries.chatId': { $in: chatIds } }] : []),
      ],
    };
    for await (const doc of col.find(legacy, { projection: { deliveries: 1 } })) {
      const deliveries = (doc.deliveries as Document[]).map((d) => {
        if (!mine(d)) return d;
        const { participantId: _p, reason: _r, ...rest } = d;
        return { ...rest, chatId: ERASED };
      });
      await col.updateOne({ _id: doc._id }, { $set: { deliveries } });
    }
  }

  /** Type, level, date and status stay for the cohort's counts; what the person wrote goes. */
  async function activities(_id: unknown): Promise<void> {
    const col = models.activity.collection;
    for await (const doc of col.find({ participantId: _id }, { projection: { reviews: 1 } })) {
      const reviews = ((doc.reviews ?? []) as Document[]).map(({ comment: _c, ...rest }) => rest);
      await col.updateOne({ _id: doc._id }, { $set: { title: ERASED, links: [], reviews }, $unset: { note: '' } });
    }
  }

  async function consultations(_id: unknown): Promise<void> {
    const col = models.consultation.collection;
    await col.updateMany({ participantId: _id }, { $set: { topic: ERASED, description: ERASED, messages: [] } });
    // What they wrote in someone else's consultation (as a tutor) goes too.
    for await (const doc of col.find({ 'messages.authorId': _id }, { projection: { messages: 1 } })) {
      const messages = (doc.messages as Document[]).map((m) =>
        String(m.authorId) === String(_id) ? { ...m, text: ERASED } : m,
      );
      await col.updateOne({ _id: doc._id }, { $set: { messages } });
    }
  }

  /** The planned activities (type, level, month) stay for the counts; comments on the plan go, and what they wrote on others'. */
  async function plans(_id: unknown): Promise<void> {
    const col = models.enrollment.collection;
    await col.updateMany({ participantId: _id, plan: { $exists: true } }, { $set: { 'plan.comments': [] } });
    for await (const doc of col.find({ 'plan.comments.by': String(_id) }, { projection: { plan: 1 } })) {
      const comments = ((doc.plan?.comments ?? []) as Document[]).map((c) =>
        c.by === String(_id) ? { ...c, text: ERASED } : c,
      );
      await col.updateOne({ _id: doc._id }, { $set: { 'plan.comments': comments } });
    }
  }

  async function audit(needles: readonly string[]): Promise<void> {
    const col = models.auditEvent.collection;
    // Details hold ids by design; an error text copied into one may still carry a phone or a name.
    for await (const doc of col.find({ details: { $ne: null } }, { projection: { details: 1 } })) {
      const details = doc.details as Record<string, unknown> | null | undefined;
      if (!details) continue;
      const hit = Object.entries(details).filter(([, v]) => mentions(v, needles));
      if (hit.length === 0) continue;
      await col.updateOne({ _id: doc._id }, { $set: Object.fromEntries(hit.map(([k]) => [`details.${k}`, ERASED])) });
    }
  }

  return {
    addEraser(eraser) {
      erasers.push(eraser);
    },
    async erase(person, at, answerKept) {
      const _id = requireObjectId(person.id, 'erase');
      const chatIds = chatIdsOf(person);
      const needles = identifiersOf(person);
      await models.participant.collection.updateOne(
        { _id },
        {
          $unset: { ...Object.fromEntries(PERSONAL_FIELDS.map((f) => [f, ''])), urns: '', unreachable: '' },
          $set: { anonymisedAt: at, remindersOptedOutAt: at, 'consent.given': false, 'consent.withdrawnAt': at },
        },
      );
      await responses(_id, answerKept);
      await activities(_id);
      // Links they gave in answers: the verdicts stay for the stage they completed, the addresses go.
      await models.resultLink.collection.updateMany({ participantId: _id }, { $set: { url: '' } });
      await consultations(_id);
      await plans(_id);
      await broadcasts(_id, chatIds);
      await models.session.collection.deleteMany({ $or: [{ participantId: person.id }, { userId: { $in: chatIds } }] });
      await models.scheduledSend.collection.updateMany({ recipientId: _id }, { $unset: { detail: '' } });
      await audit(needles);
      // A curator who deleted their data leaves the console too.
      await models.loginLink.collection.deleteMany({ participantId: person.id });
      await models.consoleSession.collection.deleteMany({ 'principal.participantId': person.id });
      // And the exports they made in it, files with teachers' names among them.
      const made = await models.consoleExport.collection.distinct('_id', { owner: person.id });
      await models.consoleExportChunk.collection.deleteMany({ jobId: { $in: made } });
      await models.consoleExport.collection.deleteMany({ owner: person.id });
      for (const eraser of erasers) await eraser(person, at);
    },
  };
}
