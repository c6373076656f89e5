// Large exports are prepared in the background while the page shows how far they got (it reloads
// itself, no script); the file is then downloaded. Jobs and their files live in the store
// (ConsoleExportRepository): a finished file outlives a restart, and a job whose process died
// (no sign of life for a minute) is shown as interrupted, to be started again. Only the person who
// asked may see or fetch it.
import type { ExportJob } from '../../domain/console.js';
import type { ConsoleExportRepository } from '../../domain/repositories.js';
import type { Logger } from '../../logger.js';
import type { ConsoleDownload } from './context.js';

export type { ExportJob } from '../../domain/console.js';

export interface ExportJobs {
  /** Starts writing the download into the store; `request` is the export page's query, to ask again. */
  start(owner: string, download: ConsoleDownload, request: string): Promise<ExportJob>;
  /** The job as it now stands, if it is the owner's; a running one silent too long comes back interrupted. */
  get(owner: string, id: string): Promise<ExportJob | undefined>;
  body(job: ExportJob): Promise<Buffer>;
}

export interface ExportJobSettings {
  /** How long a job and its file are kept. */
  keepMs: number;
  /** How often a running job says it is alive (and how far it got). */
  heartbeatMs: number;
  /** A running job not heard from for this long was cut short (its process stopped). */
  staleMs: number;
  /** Pieces of the file as stored: well under a document's 16 MB. */
  chunkBytes: number;
}

const DEFAULTS: ExportJobSettings = {
  keepMs: 24 * 60 * 60_000,
  heartbeatMs: 5_000,
  staleMs: 60_000,
  chunkBytes: 512 * 1024,
};

export function createExportJobs(deps: {
  repo: ConsoleExportRepository;
  logger: Logger;
  now?: () => Date;
  settings?: Partial<ExportJobSettings>;
}): ExportJobs {
  const settings = { ...DEFAULTS, ...deps.settings };
  const now = deps.now ?? (() => new Date());
  const { repo, logger } = deps;

  async function write(job: ExportJob, download: ConsoleDownload): Promise<void> {
    let seq = 0;
    let bytes = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const piece = Buffer.concat(pending);
      pending = [];
      pendingBytes = 0;
      await repo.appendChunk(job.id, seq++, piece);
    };
    const progress = () => repo.progress(job.id, { rowsDone: download.progress?.() ?? 0, bytes, at: now() });
    const beat = setInterval(() => {
      progress().catch((error: unknown) => logger.warn({ err: error }, 'console export: progress not saved'));
    }, settings.heartbeatMs);
    beat.unref();
    try {
      for await (const chunk of download.stream) {
        const buf = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
        pending.push(buf);
        pendingBytes += buf.length;
        bytes += buf.length;
        if (pendingBytes >= settings.chunkBytes) await flush();
      }
      await flush();
      await repo.progress(job.id, { rowsDone: download.progress?.() ?? job.rows, bytes, at: now() });
      await repo.finish(job.id, 'done', now());
    } catch (error) {
      logger.error({ err: error, job: job.id }, 'console export failed');
      await repo.finish(job.id, 'failed', now()).catch(() => undefined);
    } finally {
      clearInterval(beat);
    }
  }

  return {
    async start(owner, download, request) {
      const at = now();
      const job = await repo.create({
        owner,
        filename: download.filename,
        contentType: download.contentType,
        rows: download.rows,
        request,
        startedAt: at,
        expiresAt: new Date(at.getTime() + settings.keepMs),
      });
      void write(job, download);
      return job;
    },
    async get(owner, id) {
      const at = now();
      const job = await repo.interruptIfStale(id, new Date(at.getTime() - settings.staleMs), at);
      return job && job.owner === owner && job.expiresAt > at ? job : undefined;
    },
    body: (job) => repo.body(job.id),
  };
}
