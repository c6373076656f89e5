// The real WhatsappPort over whatsapp-web.js: the only file that touches the library, loaded with
// import() so a bot without WhatsApp never loads puppeteer. Offline, initialize() rejects with
// ERR_NAME_NOT_RESOLVED and no event fires: this file is exercised for real only against WhatsApp
// Web itself; the adapter is tested through a fake of the port.
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type WAWebJS from 'whatsapp-web.js';
import type { SessionArchiveRepository } from '../../domain/channel-storage.js';
import type { Logger } from '../../logger.js';
import type { CreatedGroup, MemberResult, PortEvents, PortSentMessage, SendResult, WhatsappPort } from './port.js';
import { createRemoteSessionStore } from './session-store.js';
import { endStaleBrowser } from './stale-browser.js';

export interface WhatsappClientOptions {
  /** Chromium to drive (CHROME_PATH); puppeteer's own download is skipped in this project. */
  chromePath: string | undefined;
  /** DATA_DIR: the session lives in <dataDir>/whatsapp (LocalAuth), or is staged there (RemoteAuth). */
  dataDir: string;
  /** With MongoDB the session is kept in the store (RemoteAuth), so a new container needs no new scan. */
  sessionArchives: SessionArchiveRepository | undefined;
  logger: Logger;
}

/** Names the session in the local folder and in GridFS ("RemoteAuth-sputnik"). */
const CLIENT_ID = 'sputnik';
/** RemoteAuth backs the browser profile up this often (its minimum is one minute). */
const BACKUP_EVERY_MS = 5 * 60_000;

/** Errors after which sending again to the same id is pointless. */
const PERMANENT =
  /invalid wid|wid error|no lid for user|not a (?:registered|whatsapp) user|chat not found|not registered/i;

type Listeners = { [E in keyof PortEvents]: PortEvents[E][] };

export async function createWhatsappWebPort(options: WhatsappClientOptions): Promise<WhatsappPort> {
  // whatsapp-web.js is CommonJS: its classes are on the default export.
  const wwebjs = (await import('whatsapp-web.js')).default;
  const { logger } = options;
  const dataPath = resolve(options.dataDir, 'whatsapp');
  mkdirSync(dataPath, { recursive: true });
  const listeners: Listeners = {
    qr: [],
    authenticated: [],
    auth_failure: [],
    ready: [],
    disconnected: [],
    message: [],
    group_join: [],
  };
  let client: WAWebJS.Client | undefined;
  /** Settles with the running initialize(): a destroy() must not race a browser still launching. */
  let initializing: Promise<void> | undefined;
  let profileDir: string | undefined;
  /** "…@lid" -> "…@c.us": WhatsApp hides some numbers behind LIDs; the engine knows people by phone. */
  const phoneIds = new Map<string, string>();

  function emit<E extends keyof PortEvents>(event: E, ...args: Parameters<PortEvents[E]>): void {
    for (const listener of listeners[event]) {
      try {
        // A listener's returned promise is the adapter's: it catches its own errors.
        void (listener as (...a: Parameters<PortEvents[E]>) => unknown)(...args);
      } catch (error) {
        logger.error({ err: error, event }, 'whatsapp listener failed');
      }
    }
  }

  function current(): WAWebJS.Client {
    if (!client) throw new Error('WhatsApp client is not initialised');
    return client;
  }

  async function personId(id: string | undefined): Promise<string | undefined> {
    if (!id) return undefined;
    if (id.endsWith('@c.us')) return id;
    if (!id.endsWith('@lid')) return undefined;
    const known = phoneIds.get(id);
    if (known) return known;
    try {
      const [pair] = await current().getContactLidAndPhone([id]);
      if (pair?.pn) phoneIds.set(id, pair.pn);
      return pair?.pn || undefined;
    } catch (error) {
      logger.warn({ err: error }, 'could not resolve a WhatsApp LID to a phone id');
      return undefined;
    }
  }

  async function group(groupId: string): Promise<WAWebJS.GroupChat> {
    const chat = await current().getChatById(groupId);
    if (!chat.isGroup) throw new Error(`${groupId} is not a group`);
    // getChatById is typed as the base Chat; a chat with isGroup is a GroupChat at run time.
    return chat as WAWebJS.GroupChat;
  }

  function wire(c: WAWebJS.Client): void {
    c.on('qr', (qr: string) => emit('qr', qr));
    c.on('authenticated', () => emit('authenticated'));
    c.on('auth_failure', (message: string) => emit('auth_failure', String(message)));
    c.on('ready', () => emit('ready'));
    c.on('disconnected', (reason: unknown) => emit('disconnected', String(reason)));
    c.on('message', (m: WAWebJS.Message) => {
      void (async () => {
        if (m.fromMe || m.isStatus || m.broadcast) return;
        const fromGroup = m.from.endsWith('@g.us');
        const authorId = await personId(fromGroup ? m.author : m.from);
        if (!authorId) return;
        const chatId = fromGroup ? m.from : authorId;
        // The group's name only matters to /bind; fetching it for every message would cost a round trip.
        const groupTitle =
          fromGroup && m.body.trim().startsWith('/')
            ? await m.getChat().then(
                (chat) => chat.name,
                () => undefined,
              )
            : undefined;
        emit('message', {
          id: m.id._serialized,
          chatId,
          authorId,
          body: m.body ?? '',
          type: m.type,
          timestamp: m.timestamp,
          ...(groupTitle ? { groupTitle } : {}),
        });
      })().catch((error: unknown) => logger.error({ err: error }, 'whatsapp message not handled'));
    });
    c.on('group_join', (n: WAWebJS.GroupNotification) => {
      void (async () => {
        const memberIds = (await Promise.all(n.recipientIds.map((id) => personId(id)))).filter(
          (id): id is string => id !== undefined,
        );
        const id =
          typeof n.id === 'string'
            ? n.id
            : ((n.id as { _serialized?: string })._serialized ?? `${n.chatId}:${n.timestamp}`);
        emit('group_join', { id, groupId: n.chatId, memberIds, timestamp: n.timestamp });
      })().catch((error: unknown) => logger.error({ err: error }, 'whatsapp group join not handled'));
    });
  }

  function memberResults(
    raw: Record<string, { code?: number; statusCode?: number; message?: string }>,
  ): Record<string, MemberResult> {
    return Object.fromEntries(
      Object.entries(raw).map(([id, r]) => [
        id,
        { code: r.code ?? r.statusCode ?? 0, ...(r.message ? { message: r.message } : {}) },
      ]),
    );
  }

  return {
    on(event, listener) {
      listeners[event].push(listener);
    },
    async initialize() {
      const authStrategy = options.sessionArchives
        ? new wwebjs.RemoteAuth({
            clientId: CLIENT_ID,
            dataPath,
            store: createRemoteSessionStore(options.sessionArchives, dataPath),
            backupSyncIntervalMs: BACKUP_EVERY_MS,
          })
        : new wwebjs.LocalAuth({ clientId: CLIENT_ID, dataPath });
      // Nothing but WhatsApp Web: no background downloads, component updates or sync that would
      // wake the network (and fail slowly when there is none).
      const args = [
        '--disable-dev-shm-usage',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ];
      // Chromium refuses to start as root with its sandbox on (CI, root containers), and inside Docker
      // its user-namespace sandbox is usually blocked by the default seccomp profile: there the
      // container is the sandbox.
      if (process.getuid?.() === 0 || existsSync('/.dockerenv')) args.push('--no-sandbox', '--disable-setuid-sandbox');
      client = new wwebjs.Client({
        authStrategy,
        puppeteer: { headless: true, args, ...(options.chromePath ? { executablePath: options.chromePath } : {}) },
        // A cached copy of WhatsApp Web per version, beside the session: fewer downloads after a restart.
        webVersionCache: { type: 'local', path: join(dataPath, 'web-cache') },
      });
      wire(client);
      // LocalAuth and RemoteAuth keep the browser profile in these folders of dataPath.
      profileDir = join(dataPath, options.sessionArchives ? `RemoteAuth-${CLIENT_ID}` : `session-${CLIENT_ID}`);
      const stale = await endStaleBrowser(profileDir);
      if (stale.kind === 'ended')
        logger.warn({ pid: stale.pid }, 'ended a Chromium left running on this data directory by a previous run');
      const run = client.initialize();
      initializing = run.then(
        () => undefined,
        () => undefined,
      );
      await run;
    },
    async destroy() {
      const c = client;
      client = undefined;
      if (!c) return;
      // A browser still being launched would be launched after the close below and outlive it: wait
      // until it is up (not for WhatsApp Web to load, which waits for the network without limit).
      const settled = initializing;
      let done = settled === undefined;
      void settled?.then(() => (done = true));
      for (let i = 0; i < 600 && !done && !c.pupBrowser; i++) await new Promise((r) => setTimeout(r, 100));
      await c.destroy().catch((error: unknown) => logger.debug({ err: error }, 'whatsapp client destroy failed'));
      // Whatever outlived the close (a hung browser, a launch that ended late) goes by its profile lock.
      if (profileDir) {
        const left = await endStaleBrowser(profileDir);
        if (left.kind === 'ended') logger.warn({ pid: left.pid }, 'ended a Chromium that outlived the WhatsApp client');
      }
    },
    ownId() {
      return client?.info?.wid?._serialized;
    },
    async sendMessage(chatId, text): Promise<SendResult> {
      try {
        const sent = await current().sendMessage(chatId, text);
        return { ok: true, id: sent.id._serialized };
      } catch (error) {
        const detail = (error as Error).message;
        return { ok: false, permanent: PERMANENT.test(detail), detail };
      }
    },
    async sendFile(chatId, file, caption): Promise<SendResult> {
      try {
        const media = new wwebjs.MessageMedia(
          file.mimetype,
          Buffer.from(file.data).toString('base64'),
          file.filename,
          file.data.byteLength,
        );
        const sent = await current().sendMessage(chatId, media, { caption, sendMediaAsDocument: !file.picture });
        return { ok: true, id: sent.id._serialized };
      } catch (error) {
        const detail = (error as Error).message;
        return { ok: false, permanent: PERMANENT.test(detail), detail };
      }
    },
    async recentSent(chatId, limit): Promise<PortSentMessage[]> {
      const chat = await current().getChatById(chatId);
      const messages = await chat.fetchMessages({ limit, fromMe: true });
      return messages.map((m) => ({ id: m.id._serialized, body: m.body ?? '', timestamp: m.timestamp }));
    },
    async createGroup(title, memberIds): Promise<CreatedGroup | string> {
      // Invitations to people whose privacy settings refuse being added are sent by Sputnik itself,
      // through the paced queue and in the cohort's language.
      const result = await current().createGroup(title, memberIds, { autoSendInviteV4: false });
      if (typeof result === 'string') return result;
      return { gid: result.gid._serialized, members: memberResults(result.participants) };
    },
    async getInviteCode(groupId) {
      return (await group(groupId)).getInviteCode();
    },
    async addParticipants(groupId, memberIds) {
      const result = await (await group(groupId)).addParticipants(memberIds, { autoSendInviteV4: false });
      return typeof result === 'string' ? result : memberResults(result);
    },
    async setDescription(groupId, description) {
      return (await group(groupId)).setDescription(description);
    },
    async promoteParticipants(groupId, memberIds) {
      const result = await (await group(groupId)).promoteParticipants(memberIds);
      return result.status === 200;
    },
  };
}
