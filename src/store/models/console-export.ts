// Console exports prepared in the background: the job (progress, state) and its file in pieces,
// each well under a document's size limit.
import { Schema, type Connection, type Model } from 'mongoose';
import type { ExportJob, ExportJobStatus } from '../../domain/console.js';
import { idString, ObjectId, orUndefined, type ObjectIdType } from './common.js';

const STATUSES: readonly ExportJobStatus[] = ['running', 'done', 'failed', 'interrupted'];

export interface ConsoleExportDoc {
  _id: ObjectIdType;
  owner: string;
  filename: string;
  contentType: string;
  rows: number;
  rowsDone: number;
  bytes: number;
  status: ExportJobStatus;
  request: string;
  startedAt: Date;
  heartbeatAt: Date;
  finishedAt?: Date | null;
  expiresAt: Date;
}

const exportSchema = new Schema<ConsoleExportDoc>(
  {
    owner: { type: String, required: true, maxlength: 100 },
    filename: { type: String, required: true, maxlength: 300 },
    contentType: { type: String, required: true, maxlength: 200 },
    rows: { type: Number, required: true },
    rowsDone: { type: Number, default: 0 },
    bytes: { type: Number, default: 0 },
    status: { type: String, enum: STATUSES, required: true },
    request: { type: String, maxlength: 2000, default: '' },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, required: true },
    finishedAt: Date,
    expiresAt: { type: Date, required: true },
  },
  { collection: 'console_exports', strict: true, strictQuery: 'throw', timestamps: false },
);
exportSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export interface ConsoleExportChunkDoc {
  _id: ObjectIdType;
  jobId: ObjectIdType;
  seq: number;
  data: Buffer;
  expiresAt: Date;
}

const chunkSchema = new Schema<ConsoleExportChunkDoc>(
  {
    jobId: { type: ObjectId, required: true },
    seq: { type: Number, required: true },
    data: { type: Buffer, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'console_export_chunks', strict: true, strictQuery: 'throw', timestamps: false },
);
chunkSchema.index({ jobId: 1, seq: 1 }, { unique: true });
chunkSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function defineConsoleExportModels(connection: Connection) {
  return {
    consoleExport: connection.model<ConsoleExportDoc>('ConsoleExport', exportSchema) as Model<ConsoleExportDoc>,
    consoleExportChunk: connection.model<ConsoleExportChunkDoc>(
      'ConsoleExportChunk',
      chunkSchema,
    ) as Model<ConsoleExportChunkDoc>,
  };
}

export function toExportJob(doc: ConsoleExportDoc): ExportJob {
  return {
    id: idString(doc._id),
    owner: doc.owner,
    filename: doc.filename,
    contentType: doc.contentType,
    rows: doc.rows,
    rowsDone: doc.rowsDone,
    bytes: doc.bytes,
    status: doc.status,
    request: doc.request,
    startedAt: doc.startedAt,
    heartbeatAt: doc.heartbeatAt,
    ...(orUndefined(doc.finishedAt) ? { finishedAt: doc.finishedAt as Date } : {}),
    expiresAt: doc.expiresAt,
  };
}
