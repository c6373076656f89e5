// The WhatsApp channel over the fake port, the real engine and a test store, with a manual clock:
// `settle()` moves the clock through the pacing gaps until the outbox is empty, so a test reads
// what WhatsApp received without waiting.
import { createBroadcastService, type BroadcastService } from '../../../../src/delivery/broadcasts.js';
import { createDispatcher, type Dispatcher } from '../../../../src/delivery/dispatcher.js';
import type { ChannelSender } from '../../../../src/delivery/ports.js';
import {
  createWhatsappChannel,
  DEFAULT_PACE,
  type PaceSettings,
  type WhatsappChannel,
} from '../../../../src/channels/whatsapp/index.js';
import type { Engine } from '../../../../src/engine/index.js';
import type { Store } from '../../../../src/store/index.js';
import type { Agenda } from 'agenda';
import {
  createChannelFileRepository,
  createChannelStorage,
  createOutboxRepository,
} from '../../../../src/store/channel-storage.js';
import { createSessionArchiveRepository } from '../../../../src/store/repositories/session-archives.js';
import { provideStaffTools } from '../../../support/staff-tools.js';
import { silentLogger } from '../../../support/store.js';
import { FakeWhatsapp } from './fake-port.js';
import { ManualTimers } from './manual-timers.js';

export interface BedOptions {
  timers?: ManualTimers;
  fake?: FakeWhatsapp;
  pace?: Partial<PaceSettings>;
  phone?: string;
  agenda?: Agenda;
  /** Jitter draw; 0.5 puts every gap in the middle of its range. */
  random?: () => number;
  qrToken?: string;
}

export class WhatsappBed {
  readonly timers: ManualTimers;
  readonly fake: FakeWhatsapp;
  readonly channel: WhatsappChannel;
  readonly dispatcher: Dispatcher;
  /** Curators' broadcasts, through this bed's dispatcher (the engine's staff tools use it). */
  readonly broadcasts: BroadcastService;
  readonly terminal: string[] = [];
  /** The dispatcher's senders: a test may add one for Telegram (staff alerts). */
  readonly senders: ChannelSender[] = [];

  constructor(
    readonly store: Store,
    readonly engine: Engine,
    options: BedOptions = {},
  ) {
    this.timers = options.timers ?? new ManualTimers();
    this.fake = options.fake ?? new FakeWhatsapp('77015550000@c.us', () => this.timers.nowMs());
    const senders = this.senders;
    this.dispatcher = createDispatcher({
      senders,
      repos: store.repositories,
      logger: silentLogger,
      now: this.timers.now,
    });
    const db = store.connection.db;
    if (!db) throw new Error('no db');
    this.channel = createWhatsappChannel({
      settings: {
        phone: options.phone ?? '+77015550000',
        chromePath: undefined,
        dataDir: '/nonexistent',
        remoteSession: false,
        qrToken: options.qrToken,
        pace: { ...DEFAULT_PACE, ...options.pace },
        defaultLocale: 'ru',
      },
      engine,
      dispatcher: () => this.dispatcher,
      repos: store.repositories,
      outboxStore: createOutboxRepository(db, 'whatsapp'),
      sessionArchives: createSessionArchiveRepository(db, 'whatsapp'),
      files: createChannelFileRepository(db, 'whatsapp'),
      logger: silentLogger,
      port: this.fake,
      timers: this.timers,
      random: options.random ?? (() => 0.5),
      terminal: (text) => this.terminal.push(text),
      ...(options.agenda ? { requests: createChannelStorage({ db, agenda: options.agenda }).requests } : {}),
    });
    senders.push(this.channel.sender);
    this.broadcasts = createBroadcastService({
      repos: store.repositories,
      dispatcher: this.dispatcher,
      logger: silentLogger,
      now: this.timers.now,
    });
    provideStaffTools(engine, store, this.broadcasts);
  }

  /** Starts the channel and logs in. */
  async connect(): Promise<void> {
    await this.channel.start();
    await this.fake.becomeReady();
  }

  /**
   * Handles everything received, then lets the clock run until the outbox is empty (or, with
   * `until`, until the next send would come later than that).
   */
  async settle(options: { until?: number } = {}): Promise<void> {
    for (let step = 0; step < 10_000; step++) {
      await this.channel.idle();
      await this.channel.outbox.idle();
      const { pending } = await this.channel.outbox.stats();
      if (pending === 0) return;
      const next = this.timers.nextAt();
      if (next === undefined || (options.until !== undefined && next > options.until)) return;
      this.timers.fireNext();
    }
    throw new Error('the outbox did not empty');
  }

  /** A person writes privately; returns what the bot sent back to them. */
  async say(from: string, text: string, options: { type?: string } = {}): Promise<string[]> {
    const before = this.fake.sent.length;
    await this.fake.receive(from, text, options);
    await this.settle();
    return this.fake.sent
      .slice(before)
      .filter((s) => s.chatId === from)
      .map((s) => s.text);
  }
}
