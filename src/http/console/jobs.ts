// Large exports are prepared in the background while the page shows how far they got (it reloads
// itself, no script); the file is then downloaded once. Kept in memory: a restart loses a half-made
// export, which is simply asked for again. Only the person who asked may fetch it.
import { randomBytes } from 'node:crypto';
import type { ConsoleDownload } from './context.js';

export interface ExportJob {
  id: string;
  owner: string;
  filename: string;
  contentType: string;
  rows: number;
  bytes: number;
  status: 'running' | 'done' | 'failed';
  /** Rows written so far where the export tells; otherwise undefined. */
  rowsDone(): number | undefined;
  body(): Buffer;
}

export interface ExportJobs {
  start(owner: string, download: ConsoleDownload): ExportJob;
  get(owner: string, id: string): ExportJob | undefined;
}

export function createExportJobs(options: { keepMs?: number; now?: () => number } = {}): ExportJobs {
  const keepMs = options.keepMs ?? 30 * 60_000;
  const now = options.now ?? Date.now;
  const jobs = new Map<string, { job: ExportJob; chunks: Buffer[]; startedAt: number }>();

  const sweep = () => {
    for (const [id, entry] of jobs) if (now() - entry.startedAt > keepMs) jobs.delete(id);
  };

  return {
    start(owner, download) {
      sweep();
      const chunks: Buffer[] = [];
      const job: ExportJob = {
        id: randomBytes(12).toString('base64url'),
        owner,
        filename: download.filename,
        contentType: download.contentType,
        rows: download.rows,
        bytes: 0,
        status: 'running',
        rowsDone: () => download.progress?.(),
        body: () => Buffer.concat(chunks),
      };
      download.stream.on('data', (chunk: Buffer | string) => {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        chunks.push(buf);
        job.bytes += buf.length;
      });
      download.stream.once('end', () => {
        job.status = 'done';
      });
      download.stream.once('error', () => {
        job.status = 'failed';
        chunks.length = 0;
      });
      jobs.set(job.id, { job, chunks, startedAt: now() });
      return job;
    },
    get(owner, id) {
      const entry = jobs.get(id);
      return entry && entry.job.owner === owner ? entry.job : undefined;
    },
  };
}
