// «Удалить мои данные» deletes: afterwards no collection of the store and no export (CSV, XLSX, JSON)
// holds the person's name, phone, username or chat ids. The collections are listed from the store
// itself, so a collection added later is searched too.
import ExcelJS from 'exceljs';
import { ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { STAFF_ACCESS } from '../../src/monitoring/access.js';
import { createExport, streamToBuffer } from '../../src/monitoring/export.js';
import type { Store } from '../../src/store/index.js';
import { content } from '../support/engine-harness.js';
import { useWhatsappTestbed, whatsappTeacher } from '../channels/whatsapp/support/testbed.js';

const tb = useWhatsappTestbed();

const NAME = 'Жумабаева Гульнара';
const DIGITS = '77017654321';
const USERNAME = 'gulnara_zh';
const TELEGRAM_ID = 770177001;
/** Every form the person's identity could take in a stored or exported text. */
const NEEDLES = ['Жумабаева', 'Гульнара', DIGITS, DIGITS.slice(1), USERNAME, String(TELEGRAM_ID)];

/** Ids and dates are replaced: a 24-hex ObjectId may contain any run of digits by chance. */
function plain(value: unknown): unknown {
  if (value instanceof ObjectId) return 'oid';
  if (value instanceof Date) return 'date';
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object') {
    if ((value as { _bsontype?: string })._bsontype) return String((value as { _bsontype: string })._bsontype);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** Where each needle occurs, as "collection: needle" lines. */
async function findInStore(store: Store): Promise<string[]> {
  const db = store.connection.db;
  if (!db) throw new Error('no db');
  const hits: string[] = [];
  const collections = await db.listCollections().toArray();
  expect(collections.length).toBeGreaterThan(8);
  for (const { name } of collections) {
    const text = JSON.stringify((await db.collection(name).find({}).toArray()).map(plain));
    for (const needle of NEEDLES)
      if (text.toLowerCase().includes(needle.toLowerCase())) hits.push(`${name}: ${needle}`);
  }
  return hits;
}

async function exportsText(store: Store): Promise<Record<'csv' | 'xlsx' | 'json', string>> {
  const out = { csv: '', xlsx: '', json: '' };
  for (const format of ['csv', 'xlsx', 'json'] as const) {
    const result = await createExport(
      { models: store.models, catalog: content().questionnaires },
      { format, access: STAFF_ACCESS, scope: {}, includeIncomplete: true },
    );
    if (!result.ok) throw new Error(JSON.stringify(result.error));
    const bytes = await streamToBuffer(result.value.stream);
    if (format !== 'xlsx') {
      out[format] = bytes.toString('utf8');
      continue;
    }
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(bytes as unknown as ArrayBuffer);
    const cells: string[] = [];
    wb.eachSheet((ws) => ws.eachRow((row) => row.eachCell((cell) => void cells.push(String(cell.text)))));
    out.xlsx = cells.join('\n');
  }
  return out;
}

function needlesIn(text: string): string[] {
  return NEEDLES.filter((n) => text.toLowerCase().includes(n.toLowerCase()));
}

describe('delete my data', () => {
  it('leaves the name, phone, username and chat ids in no collection and no export', async () => {
    const repos = tb.store.repositories;
    const { id: chat, participant } = await whatsappTeacher(tb, DIGITS, NAME);
    await repos.participants.linkAddress(participant.id, {
      channel: 'telegram',
      id: String(TELEGRAM_ID),
      username: USERNAME,
    });
    await repos.participants.updateProfile(participant.id, { organisation: 'Школа № 5', position: 'учитель' });
    const at = tb.clock.now();
    const cohortId = tb.cohort.cohortId;

    // Answers: a choice (kept), a free text and an "other" text that carry the phone and name (erased).
    const { response } = await repos.responses.startOrResume({
      participantId: participant.id,
      cohortId,
      questionnaireId: 'engine-check',
      occasion: 'x',
      questionnaireVersion: 1,
      at,
    });
    await repos.responses.saveAnswer(response.id, { questionId: 'used', value: false, skipped: false, answeredAt: at });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'why_not',
      value: `Позвоните мне: +${DIGITS}, ${NAME}`,
      skipped: false,
      answeredAt: at,
    });
    await repos.responses.saveAnswer(response.id, {
      questionId: 'formats',
      value: ['group', 'other'],
      otherText: `канал @${USERNAME}`,
      skipped: false,
      answeredAt: at,
    });
    await repos.responses.complete(response.id, at);
    // An activity, a consultation, a broadcast delivery, a send log entry, an audit entry.
    await repos.activities.submit({
      participantId: participant.id,
      cohortId,
      type: 'open_lesson',
      level: 'school',
      date: at,
      title: `Открытый урок Гульнары Жумабаевой`,
      links: [`https://t.me/${USERNAME}`],
      note: `тел. +${DIGITS}`,
      submittedAt: at,
    });
    const consultation = await repos.consultations.open({
      participantId: participant.id,
      cohortId,
      topic: 'Оценивание',
      description: `Перезвоните на ${DIGITS}`,
      openedAt: at,
    });
    await repos.consultations.addMessage(consultation.id, {
      authorId: participant.id,
      fromTeacher: true,
      text: `Это ${NAME}`,
      at,
    });
    const broadcast = await repos.broadcasts.create({
      cohortId,
      authorId: tb.cohort.curatorId,
      text: 'Вебинар в пятницу',
      toGroups: false,
      toParticipants: true,
    });
    await repos.broadcasts.startSending(broadcast.id, [
      { channel: 'whatsapp', chatId: chat, participantId: participant.id },
      { channel: 'telegram', chatId: String(TELEGRAM_ID), participantId: participant.id },
    ]);
    await repos.broadcasts.recordDelivery(broadcast.id, 'whatsapp', chat, {
      status: 'failed',
      reason: `no chat ${chat}`,
      at,
    });
    const send = { cohortId, kind: 'stage' as const, occasion: 'stage-2', recipientId: participant.id };
    await repos.scheduledSends.take({ ...send, key: 'k1', dueAt: at, at });
    await repos.scheduledSends.finish('k1', { status: 'undeliverable', at, detail: `blocked: ${chat}` });
    await repos.audit.record({
      at,
      actor: 'system',
      action: 'whatsapp.group_failed',
      subjectType: 'cohort',
      subjectId: cohortId,
      details: { reason: `could not add +${DIGITS}` },
    });
    // Her individual plan with the tutor's comment that names her, and a comment she wrote on a colleague's plan.
    const mine = await repos.enrollments.find(participant.id, cohortId);
    await repos.enrollments.setPlanItems(
      mine!.id,
      [{ id: 'p1', type: 'master_class', level: 'district', month: '2026-04' }],
      at,
    );
    await repos.enrollments.addPlanComment(mine!.id, {
      by: tb.cohort.curatorId,
      at,
      text: `${NAME}, добавьте вебинар`,
    });
    const colleague = await whatsappTeacher(tb, '77019990000', 'Ахметова Сауле');
    const theirs = await repos.enrollments.find(colleague.participant.id, cohortId);
    await repos.enrollments.addPlanComment(theirs!.id, { by: participant.id, at, text: `Сауле, звоните: +${DIGITS}` });
    // A reminder still waiting in the WhatsApp queue, and one that failed.
    tb.bed.channel.outbox.pause();
    await tb.bed.channel.outbox.enqueue(chat, [`Гульнара, напоминаем о втором этапе`]);
    tb.bed.channel.outbox.resume();
    expect(await tb.bed.say(chat, 'меню')).not.toHaveLength(0);

    // The search finds what is there before the deletion: it would find a leak after it.
    const before = await findInStore(tb.store);
    for (const collection of [
      'enrollments',
      'participants',
      'responses',
      'activities',
      'consultation_requests',
      'broadcast_deliveries',
      'scheduled_sends',
      'audit_events',
      'sessions',
    ]) {
      expect(
        before.some((hit) => hit.startsWith(`${collection}:`)),
        collection,
      ).toBe(true);
    }
    const exportsBefore = await exportsText(tb.store);
    expect(needlesIn(exportsBefore.csv)).toContain(DIGITS);
    expect(needlesIn(exportsBefore.xlsx)).toContain(DIGITS);
    expect(needlesIn(exportsBefore.json)).toContain(USERNAME);

    const confirm = (await tb.bed.say(chat, '/delete')).join('\n');
    expect(confirm).toMatch(/^Удалить ваши данные\?/);
    expect(confirm).toContain('ответы своими словами, названия мероприятий, ссылки и заметки, консультации');
    // Queued now, it waits for the pacing gap, which the deletion comes before.
    await tb.bed.channel.outbox.enqueue(chat, [`Гульнара, анкета ждёт`]);
    const replies = await tb.bed.say(chat, 'Да');
    expect(replies.join('\n')).toMatch(/Ваши данные удалены/);
    // The reminder queued for her was never sent: she asked to be forgotten first.
    expect(tb.bed.fake.sent.map((s) => s.text)).not.toContain('Гульнара, анкета ждёт');

    expect(await findInStore(tb.store)).toEqual([]);
    const exportsAfter = await exportsText(tb.store);
    expect(needlesIn(exportsAfter.csv)).toEqual([]);
    expect(needlesIn(exportsAfter.xlsx)).toEqual([]);
    expect(needlesIn(exportsAfter.json)).toEqual([]);

    // What the figures need stays: the choice answers, the activity's type and date, the counts.
    const kept = await repos.responses.findById(response.id);
    expect(kept?.answers.map((a) => [a.questionId, a.value])).toEqual([
      ['used', false],
      ['why_not', null],
      ['formats', ['group', 'other']],
    ]);
    const [activity] = await repos.activities.listByParticipant(participant.id);
    expect(activity).toMatchObject({ type: 'open_lesson', level: 'school', title: '—', links: [] });
    expect(activity?.note).toBeUndefined();
    const [request] = await repos.consultations.listByParticipant(participant.id);
    expect(request).toMatchObject({ topic: '—', description: '—', messages: [] });
    const b = await repos.broadcasts.findById(broadcast.id);
    expect(b?.deliveries.map((d) => d.status)).toEqual(['failed', 'pending']);
    // Her plan keeps what the counts need (kind, level, month), never a comment; her comment on the colleague's plan is gone.
    const planAfter = (await repos.enrollments.find(participant.id, cohortId))?.plan;
    expect(planAfter?.items).toEqual([{ id: 'p1', type: 'master_class', level: 'district', month: '2026-04' }]);
    expect(planAfter?.comments ?? []).toEqual([]);
    const theirComments = (await repos.enrollments.find(colleague.participant.id, cohortId))?.plan?.comments ?? [];
    expect(theirComments.map((c) => c.text)).toEqual(['—']);
    expect(await repos.participants.findById(participant.id)).toMatchObject({
      region: 'Алматинская область',
      settlementType: 'rural',
      consent: { given: false },
    });
  });
});
