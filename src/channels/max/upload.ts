// Puts a file on Max's upload server and returns what a message attaches to show it. Max uploads in
// two steps (dev.max.ru/docs-api/methods/POST/uploads): POST /uploads?type= through the bot API
// gives a one-file upload URL, and the file goes to that URL as multipart/form-data (field `data`).
// The official client's own helper (`api.uploadFile`) names a file given as bytes with a random
// UUID, so the curator would get "3f2a….xlsx"; the second step is done here with the platform's
// fetch and FormData so the file keeps its name.
import type { Api } from '@maxhub/max-bot-api';
import type { AttachmentRequest } from '@maxhub/max-bot-api/types';
import type { OutboundFile } from '../../engine/events.js';

/** A file on the upload server: no answer within this time is a failed upload. */
const UPLOAD_TIMEOUT_MS = 60_000;

/** The upload server refused the file (its status and what it said). */
export class MaxUploadError extends Error {
  constructor(
    readonly status: number,
    body: string,
  ) {
    super(`max upload refused: ${status} ${body.slice(0, 200)}`);
    this.name = 'MaxUploadError';
  }
}

type Uploaded = { token?: string; photos?: Record<string, { token: string }> };

/** Uploads the file (a chart as a picture, anything else as a document) and returns its attachment. */
export async function uploadAttachment(
  api: Api,
  file: Pick<OutboundFile, 'filename' | 'data' | 'picture'>,
  fetch: typeof globalThis.fetch = globalThis.fetch,
): Promise<AttachmentRequest> {
  const type = file.picture ? 'image' : 'file';
  const { url, token: given } = await api.raw.uploads.getUploadUrl({ type });
  const form = new FormData();
  form.append('data', new Blob([file.data]), file.filename);
  const response = await fetch(url, { method: 'POST', body: form, signal: AbortSignal.timeout(UPLOAD_TIMEOUT_MS) });
  const text = await response.text();
  if (!response.ok) throw new MaxUploadError(response.status, text);
  const uploaded = JSON.parse(text) as Uploaded;
  if (type === 'image') {
    if (!uploaded.photos && !uploaded.token) throw new MaxUploadError(response.status, text);
    return { type: 'image', payload: uploaded.photos ? { photos: uploaded.photos } : { token: uploaded.token! } };
  }
  // For files the upload answers with the token; some types get it with the URL instead.
  const token = uploaded.token ?? given;
  if (!token) throw new MaxUploadError(response.status, text);
  return { type: 'file', payload: { token } };
}
