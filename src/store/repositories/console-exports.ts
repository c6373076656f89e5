import type { ConsoleExportRepository } from '../../domain/repositories.js';
import { toExportJob, type ConsoleExportChunkDoc, type ConsoleExportDoc } from '../models/console-export.js';
import type { Models } from '../models/index.js';
import { op } from './ids.js';

const isId = (id: string) => /^[0-9a-f]{24}$/.test(id);

export function createConsoleExportRepository(
  models: Pick<Models, 'consoleExport' | 'consoleExportChunk'>,
): ConsoleExportRepository {
  const { consoleExport: jobs, consoleExportChunk: chunks } = models;
  return {
    async create(input) {
      const doc = await jobs.create({
        ...input,
        rowsDone: 0,
        bytes: 0,
        status: 'running',
        heartbeatAt: input.startedAt,
      });
      return toExportJob(doc.toObject<ConsoleExportDoc>());
    },
    async findById(id) {
      if (!isId(id)) return undefined;
      const doc = await jobs.findById(id).lean<ConsoleExportDoc>();
      return doc ? toExportJob(doc) : undefined;
    },
    async progress(id, progress) {
      await jobs.updateOne(
        { _id: id, status: 'running' },
        { $set: { rowsDone: progress.rowsDone, bytes: progress.bytes, heartbeatAt: progress.at } },
      );
    },
    async appendChunk(id, seq, data) {
      const job = await jobs.findById(id, { expiresAt: 1 }).lean<Pick<ConsoleExportDoc, 'expiresAt'>>();
      if (!job) return;
      await chunks.create({ jobId: id, seq, data, expiresAt: job.expiresAt });
    },
    async finish(id, status, at) {
      const doc = await jobs
        .findOneAndUpdate(
          { _id: id, status: 'running' },
          { $set: { status, finishedAt: at, heartbeatAt: at } },
          { returnDocument: 'after' },
        )
        .lean<ConsoleExportDoc>();
      if (status === 'failed') await chunks.deleteMany({ jobId: id });
      return doc ? toExportJob(doc) : undefined;
    },
    async interruptIfStale(id, staleBefore, at) {
      if (!isId(id)) return undefined;
      const doc = await jobs
        .findOneAndUpdate(
          { _id: id, status: 'running', heartbeatAt: op({ $lt: staleBefore }) },
          { $set: { status: 'interrupted', finishedAt: at } },
          { returnDocument: 'after' },
        )
        .lean<ConsoleExportDoc>();
      if (doc) await chunks.deleteMany({ jobId: id });
      return doc ? toExportJob(doc) : this.findById(id);
    },
    async body(id) {
      const docs = await chunks.find({ jobId: id }).sort({ seq: 1 }).lean<ConsoleExportChunkDoc[]>();
      // Stored binary comes back as BSON Binary on some drivers: take its bytes either way.
      return Buffer.concat(docs.map((d) => toBuffer(d.data)));
    },
  };
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  const binary = data as { buffer?: Uint8Array; value?: () => Uint8Array };
  if (binary.buffer instanceof Uint8Array) return Buffer.from(binary.buffer);
  return Buffer.from(binary.value?.() ?? new Uint8Array());
}
