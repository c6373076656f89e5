// Curators' and staff's tools as flows, the same on every channel: a broadcast to a cohort
// (flows/broadcast.yaml), the figures (/stats), the half-year report (/report) and the answers as a
// file (/export). Sending and the
// figures themselves are the staff tools' business (engine/staff-tools.ts).
import type { Cohort } from '../../domain/cohort.js';
import type { FlowHandlers, Turn } from '../context.js';
import type { StaffTools } from '../staff-tools.js';
import { me, optionalText, text } from './common.js';

/** The active cohorts the person may write to: those they curate, every one for staff. */
async function broadcastCohorts(turn: Turn): Promise<Cohort[]> {
  const { repos } = turn.services;
  const p = me(turn);
  const cohorts = p.isStaff ? await repos.cohorts.listByStatus('active') : await repos.cohorts.listForStaffMember(p.id);
  return cohorts.filter((c) => c.status === 'active' && (p.isStaff || c.curatorIds.includes(p.id)));
}

function tools(turn: Turn): StaffTools {
  const found = turn.services.staffTools?.();
  if (!found) throw new Error('staff tools are not wired into the engine');
  return found;
}

type Audience = 'groups' | 'all' | 'private';
const AUDIENCE_KEYS = {
  groups: 'broadcast.audience_groups',
  all: 'broadcast.audience_all',
  private: 'broadcast.audience_private',
} as const satisfies Record<Audience, string>;

export const staff: Pick<FlowHandlers, 'actions' | 'optionSources'> = {
  optionSources: {
    async broadcast_cohorts(turn) {
      return (await broadcastCohorts(turn)).map((c, i) => ({ id: String(i + 1), label: c.title, value: c.id }));
    },
    async broadcast_audiences(turn, run) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      // Without a group the only way is to write to each teacher.
      const audiences: Audience[] = cohort && cohort.groups.length > 0 ? ['groups', 'all'] : ['private'];
      return audiences.map((a, i) => ({ id: String(i + 1), label: turn.t(AUDIENCE_KEYS[a]), value: a }));
    },
  },
  actions: {
    async pick_broadcast_cohort(turn, run) {
      const cohorts = await broadcastCohorts(turn);
      if (cohorts.length === 0) return 'none';
      if (cohorts.length > 1) return undefined;
      run.data.cohortId = cohorts[0]!.id;
      return 'one';
    },
    async describe_broadcast_cohort(turn, run) {
      const cohort = await turn.services.repos.cohorts.findById(text(run, 'cohortId'));
      if (!cohort) return 'none';
      run.data.title = cohort.title;
      return undefined;
    },
    async preview_broadcast(turn, run) {
      turn.say('broadcast.preview');
      turn.reply({ kind: 'text', text: tools(turn).broadcastBody(text(run, 'text'), optionalText(run, 'link')) });
      return undefined;
    },
    async send_broadcast(turn, run) {
      const audience = text(run, 'audience') as Audience;
      if (!(audience in AUDIENCE_KEYS)) throw new Error(`unknown audience ${audience}`);
      const link = optionalText(run, 'link');
      await tools(turn).startBroadcast({
        cohortId: text(run, 'cohortId'),
        authorId: me(turn).id,
        text: text(run, 'text'),
        ...(link ? { link } : {}),
        toGroups: audience !== 'private',
        toParticipants: audience !== 'groups',
      });
      return undefined;
    },
    async show_stats(turn) {
      const figures = await tools(turn).figures(me(turn).id, turn.session.locale);
      if (!figures.ok) {
        turn.say('monitoring.stats_forbidden');
        return undefined;
      }
      turn.reply({ kind: 'text', text: figures.text });
      for (const chart of figures.charts) turn.reply(chart);
      return undefined;
    },
    async send_export(turn, run) {
      const exported = await tools(turn).exportFile(me(turn).id, turn.session.locale, optionalText(run, 'args') ?? '');
      if (exported.ok) turn.reply(exported.file);
      else if (exported.reason === 'explain') turn.reply({ kind: 'text', text: exported.text });
      else turn.say('monitoring.stats_forbidden');
      return undefined;
    },
    async send_reports(turn) {
      const reports = await tools(turn).reports(me(turn).id, turn.session.locale);
      if (!reports.ok) {
        turn.say('monitoring.stats_forbidden');
        return undefined;
      }
      turn.say('monitoring.report_preparing');
      for (const file of reports.files) turn.reply(file);
      return undefined;
    },
  },
};
