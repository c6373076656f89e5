// Drives the engine as people would, over the embedded store, with a clock the test moves. Every
// message in and out is written to a transcript that is compared with a golden file in
// test/engine/transcripts/ (UPDATE_GOLDEN=1 npm test rewrites them after a deliberate change).
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { phoneOfWhatsappId as phoneOf } from '../../src/channels/whatsapp/identity.js';
import { dirname, join } from 'node:path';
import { expect } from 'vitest';
import type { Channel } from '../../src/domain/channel.js';
import type { EngineSettings } from '../../src/engine/context.js';
import type { InboundEvent, InboundPayload, Outbound, OutboundMessage } from '../../src/engine/events.js';
import {
  createSputnikEngine,
  loadContent,
  type ConsoleLinks,
  type Content,
  type Engine,
} from '../../src/engine/index.js';
import { createCatalog, loadQuestionnaires, problemWords } from '../../src/questionnaires/index.js';
import type { Store } from '../../src/store/index.js';
import { silentLogger } from './store.js';

const root = new URL('../../', import.meta.url).pathname;
const goldenDir = join(root, 'test/engine/transcripts');

let cachedContent: Content | undefined;
/** The shipped flows and questionnaires, plus the dialog tests' own questionnaire fixture. */
export function content(): Content {
  if (!cachedContent) {
    const loaded = loadContent(root);
    const fixtures = loadQuestionnaires(join(root, 'test/fixtures/engine-questionnaires'), { root });
    const errors = [...loaded.errors, ...fixtures.errors];
    if (errors.length > 0) throw new Error(`content errors:\n${errors.map(problemWords('en')).join('\n')}`);
    cachedContent = {
      flows: loaded.content.flows,
      models: loaded.content.models,
      questionnaires: createCatalog([...loaded.content.questionnaires.all(), ...fixtures.catalog.all()]),
    };
  }
  return cachedContent;
}

export const testSettings: EngineSettings = {
  defaultLocale: 'ru',
  defaultTimeZone: 'Europe/Moscow',
  privacyPolicyUrl: 'https://centre.example/privacy',
  privacyPolicyVersion: 'test-1',
  staleClaimMs: 60_000,
  // As the composition root takes them from the registered channels' modules.
  channelTitles: { telegram: 'Telegram', whatsapp: 'WhatsApp', max: 'Max' },
};

export class Clock {
  constructor(private current: Date) {}
  now = (): Date => new Date(this.current);
  set(at: string | Date): void {
    this.current = new Date(at);
  }
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

function render(message: OutboundMessage): string {
  if (message.kind === 'text') return message.text;
  if (message.kind === 'file') return `[${message.filename}] ${message.text}`;
  const lines = [message.text];
  if (message.hint) lines.push(`  (${message.hint})`);
  message.options.forEach((o, i) => {
    lines.push(`  [${i + 1}] ${o.label}`);
  });
  const extras = [
    message.multiple ? `выбор ${message.multiple.min}–${message.multiple.max}` : '',
    message.ranking ? `порядок из ${message.ranking.count}` : '',
    message.canGoBack ? '«назад»' : '',
    message.canSkip ? '«пропустить»' : '',
  ].filter(Boolean);
  if (extras.length) lines.push(`  {${extras.join(', ')}}`);
  return lines.join('\n');
}

export class Harness {
  readonly lines: string[] = [];
  private sequence = 0;
  engine: Engine;
  private readonly actors: Actor[] = [];

  constructor(
    public store: Store,
    readonly clock: Clock,
    settings: EngineSettings = testSettings,
  ) {
    this.engine = this.build(settings);
  }

  /** The staff console's link maker (off unless a test turns it on with `withConsole`). */
  private consoleLinks: ConsoleLinks | undefined;

  withConsole(links: ConsoleLinks): void {
    this.consoleLinks = links;
    this.engine = this.build(testSettings);
  }

  private build(settings: EngineSettings): Engine {
    return createSputnikEngine({
      ...(this.consoleLinks ? { console: this.consoleLinks } : {}),
      repos: this.store.repositories,
      sessions: this.store.sessions,
      content: content(),
      settings,
      logger: silentLogger,
      now: this.clock.now,
    });
  }

  /** A new engine over a (possibly reopened) store: what a restart of the process looks like. */
  restart(store: Store = this.store): void {
    this.store = store;
    this.engine = this.build(testSettings);
    this.note('--- перезапуск ---');
  }

  actor(name: string, options: { channel?: Channel; id?: string; username?: string } = {}): Actor {
    const channel = options.channel ?? 'telegram';
    const n = this.actors.length + 1;
    const id = options.id ?? (channel === 'telegram' ? String(5000 + n) : `7701${String(1000000 + n).slice(1)}@c.us`);
    const actor = new Actor(this, name, channel, id, options.username);
    this.actors.push(actor);
    return actor;
  }

  nextMessageId(): string {
    this.sequence += 1;
    return `m${this.sequence}`;
  }

  note(text: string): void {
    this.lines.push(text);
  }

  /** Outbound to other participants goes to their actors' inboxes. */
  async deliver(from: Actor, out: Outbound[]): Promise<void> {
    for (const o of out) {
      // Acknowledgements only tell an adapter to mark the pressed button; nobody reads them.
      if (o.message.kind === 'ack') continue;
      const message = o.message;
      if (o.to.kind === 'chat') {
        const target = o.to.chatId === from.chatId ? from : undefined;
        this.lines.push(`< ${target ? target.name : `чат ${o.to.chatId}`}: ${render(message).replace(/\n/g, '\n  ')}`);
        if (target) target.received(message);
      } else {
        const p = await this.store.repositories.participants.findById(o.to.participantId);
        const actor = this.actors.find((a) => p?.addresses.some((address) => address.id === a.id));
        // Someone who never wrote to the bot has no chat: shown by name, since ids change every run.
        const who = actor?.name ?? `${p?.fullName ?? '?'}, без чата`;
        this.lines.push(`< ${who} (уведомление): ${render(message).replace(/\n/g, '\n  ')}`);
        actor?.received(message);
      }
    }
  }

  transcript(): string {
    return `${this.lines.join('\n')}\n`;
  }

  /** Compares the transcript with test/engine/transcripts/<name>.txt. */
  expectGolden(name: string): void {
    const file = join(goldenDir, `${name}.txt`);
    const actual = this.transcript();
    if (process.env.UPDATE_GOLDEN === '1' || !existsSync(file)) {
      if (process.env.CI && !existsSync(file))
        throw new Error(`golden file ${file} is missing; run UPDATE_GOLDEN=1 npm test and commit it`);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, actual);
      return;
    }
    expect(actual).toBe(readFileSync(file, 'utf8'));
  }
}

export class Actor {
  readonly chatId: string;
  readonly inbox: OutboundMessage[] = [];

  constructor(
    private readonly harness: Harness,
    readonly name: string,
    readonly channel: Channel,
    readonly id: string,
    readonly username?: string,
  ) {
    this.chatId = id;
  }

  received(message: OutboundMessage): void {
    this.inbox.push(message);
  }

  lastPrompt(): Extract<OutboundMessage, { kind: 'prompt' }> {
    const prompt = [...this.inbox].reverse().find((m) => m.kind === 'prompt');
    if (prompt?.kind !== 'prompt') throw new Error(`${this.name} has no prompt`);
    return prompt;
  }

  lastText(): string {
    const last = this.inbox.at(-1);
    if (!last) throw new Error(`${this.name} received nothing`);
    return last.text;
  }

  private async deliver(
    payload: InboundPayload,
    shown: string,
    messageId = this.harness.nextMessageId(),
  ): Promise<Outbound[]> {
    const event: InboundEvent = {
      channel: this.channel,
      messageId,
      chat: { id: this.chatId, type: 'private' },
      // As the WhatsApp adapter does: its ids carry the phone number.
      from: {
        id: this.id,
        ...(this.username ? { username: this.username } : {}),
        ...(phoneOf(this.id) ? { phone: phoneOf(this.id) } : {}),
      },
      at: this.harness.clock.now(),
      payload,
    };
    this.harness.note(`> ${this.name}: ${shown}`);
    const out = await this.harness.engine.handle(event);
    await this.harness.deliver(this, out);
    return out;
  }

  /** Types a message (or a command). */
  say(text: string, messageId?: string): Promise<Outbound[]> {
    return this.deliver({ kind: 'text', text }, text, messageId);
  }

  /** Presses buttons of the last prompt, by label (or by 1-based position). */
  press(...choices: (string | number)[]): Promise<Outbound[]> {
    const prompt = this.lastPrompt();
    const ids = choices.map((choice) => {
      const option =
        typeof choice === 'number' ? prompt.options[choice - 1] : prompt.options.find((o) => o.label === choice);
      if (option) return option.id;
      if (choice === '__back' || choice === '__skip') return choice;
      throw new Error(`${this.name}: no button "${choice}" in: ${prompt.options.map((o) => o.label).join(' | ')}`);
    });
    const labels = choices.map((c) => (typeof c === 'number' ? prompt.options[c - 1]?.label : c));
    return this.deliver({ kind: 'choice', ref: prompt.ref, optionIds: ids }, `[${labels.join(', ')}]`);
  }

  /** Presses a button of an older prompt. */
  pressStale(ref: string, optionId: string): Promise<Outbound[]> {
    return this.deliver({ kind: 'choice', ref, optionIds: [optionId] }, `[старая кнопка ${optionId}]`);
  }

  sendSticker(): Promise<Outbound[]> {
    return this.deliver({ kind: 'unsupported', what: 'sticker' }, '(стикер)');
  }
}
