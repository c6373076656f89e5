// How the console writes dates, statuses and labels: in the page's language, dates in the
// cohort's time zone.
import type { ActivityLevel, ActivityStatus, ActivityType, LinkStatus } from '../../domain/activity.js';
import type { ConsultationStatus } from '../../domain/consultation.js';
import type { Locale } from '../../domain/locale.js';
import { linkVerdict } from '../../domain/result-link.js';
import type { StageStatus } from '../../domain/stage.js';
import { html, type Html } from './html.js';
import { INTL, type ConsoleKey, type Say } from './i18n.js';

export function day(date: Date | undefined, timeZone = 'UTC', locale: Locale = 'ru'): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat(INTL[locale], { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(
    date,
  );
}

export function dayTime(date: Date | undefined, timeZone = 'UTC', locale: Locale = 'ru'): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat(INTL[locale], {
    timeZone,
    day: '2-digit',
    month: '2-digit',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
  }).format(date);
}

export const activityType = (say: Say, type: ActivityType): string => say(`type_${type}` as ConsoleKey);
export const activityLevel = (say: Say, level: ActivityLevel): string => say(`level_${level}` as ConsoleKey);

const badge = (label: string, tone: string): Html => html`<span class="badge ${tone}">${label}</span>`;

const ACTIVITY_TONE: Record<ActivityStatus, string> = { submitted: 'warn', accepted: 'ok', returned: 'bad' };
export const activityStatus = (say: Say, status: ActivityStatus): Html =>
  badge(say(`activity_${status}` as ConsoleKey), ACTIVITY_TONE[status]);

const STAGE_TONE: Record<StageStatus, string> = { not_started: '', in_progress: 'warn', completed: 'ok' };
export const stageStatusText = (say: Say, status: StageStatus): string => say(`stage_${status}` as ConsoleKey);
export const stageStatus = (say: Say, status: StageStatus): Html =>
  badge(stageStatusText(say, status), STAGE_TONE[status]);

const CONSULTATION_TONE: Record<ConsultationStatus, string> = { open: 'warn', answered: 'ok', closed: '' };
export const consultationStatus = (say: Say, status: ConsultationStatus): Html =>
  badge(say(`consultation_${status}` as ConsoleKey), CONSULTATION_TONE[status]);

export const CHANNEL_NAMES: Record<string, string> = { telegram: 'Telegram', whatsapp: 'WhatsApp', max: 'Max' };
/** A channel's name: brand names as they are, the web chat in the page's language. */
export const channelName = (say: Say, channel: string): string =>
  CHANNEL_NAMES[channel] ?? (channel === 'webchat' || channel === 'web' ? say('channel_webchat') : channel);

export const link = (url: string): Html =>
  /^https?:\/\//i.test(url)
    ? html`<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${url}</a>`
    : html`${url}`;

/**
 * What the last check of a link found, as a badge. A check that got no answer (timeout, no
 * network) decides nothing, so a link whose last word was one shows as unchecked, as the report
 * counts it, even where it was stored as dead before that rule.
 */
export function linkBadge(say: Say, l: { reachable?: boolean; status?: LinkStatus }): Html {
  const verdict = l.status
    ? linkVerdict(l.status)
    : l.reachable === true
      ? 'live'
      : l.reachable === false
        ? 'dead'
        : 'unknown';
  if (verdict === 'live') return html`<span class="badge ok">${say('link_opens')}</span>`;
  if (verdict === 'dead') return html`<span class="badge bad">${say('link_dead')}</span>`;
  return html`<span class="badge">${say('link_unchecked')}</span>`;
}
