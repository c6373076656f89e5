// How the console writes dates, statuses and names: Russian, in the cohort's time zone.
import type { ActivityLevel, ActivityStatus, ActivityType } from '../../domain/activity.js';
import type { ConsultationStatus } from '../../domain/consultation.js';
import type { StageStatus } from '../../domain/stage.js';
import { html, type Html } from './html.js';

export function day(date: Date | undefined, timeZone = 'UTC'): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' }).format(date);
}

export function dayTime(date: Date | undefined, timeZone = 'UTC'): string {
  if (!date) return '—';
  return new Intl.DateTimeFormat('ru-RU', { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' }).format(date);
}

export const ACTIVITY_TYPE_LABELS: Record<ActivityType, string> = {
  open_lesson: 'открытый урок',
  master_class: 'мастер-класс',
  webinar: 'вебинар',
  seminar: 'семинар',
  training: 'тренинг',
  consultation: 'консультация',
  contest: 'конкурс',
  publication: 'публикация',
  speech: 'выступление',
  other: 'другое',
};

export const LEVEL_LABELS: Record<ActivityLevel, string> = {
  school: 'школа',
  district: 'район / город',
  region: 'область',
  republic: 'республика',
};

const ACTIVITY_STATUS: Record<ActivityStatus, [string, string]> = {
  submitted: ['на проверке', 'warn'],
  accepted: ['принято', 'ok'],
  returned: ['возвращено', 'bad'],
};

export const activityStatus = (status: ActivityStatus): Html => {
  const [label, tone] = ACTIVITY_STATUS[status];
  return html`<span class="badge ${tone}">${label}</span>`;
};

const STAGE_STATUS: Record<StageStatus, [string, string]> = {
  not_started: ['не начат', ''],
  in_progress: ['идёт', 'warn'],
  completed: ['завершён', 'ok'],
};

export const stageStatus = (status: StageStatus): Html => {
  const [label, tone] = STAGE_STATUS[status];
  return html`<span class="badge ${tone}">${label}</span>`;
};

const CONSULTATION_STATUS: Record<ConsultationStatus, [string, string]> = {
  open: ['открыт', 'warn'],
  answered: ['дан ответ', 'ok'],
  closed: ['закрыт', ''],
};

export const consultationStatus = (status: ConsultationStatus): Html => {
  const [label, tone] = CONSULTATION_STATUS[status];
  return html`<span class="badge ${tone}">${label}</span>`;
};

export const link = (url: string): Html =>
  /^https?:\/\//i.test(url) ? html`<a href="${url}" rel="noopener noreferrer nofollow" target="_blank">${url}</a>` : html`${url}`;
