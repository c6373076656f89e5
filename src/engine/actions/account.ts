import type { FlowHandlers } from '../context.js';
import { keepsAfterDeletion } from '../../questionnaires/index.js';
import { me } from './common.js';

export const account: Pick<FlowHandlers, 'actions'> = {
  actions: {
    async toggle_reminders(turn) {
      const p = me(turn);
      const off = !p.remindersOptedOutAt;
      const updated = await turn.services.repos.participants.setRemindersOptOut(p.id, off ? turn.services.now() : null);
      if (updated) turn.participant = updated;
      if (!off) turn.services.teacherChanged?.(p.id);
      turn.say(off ? 'account.reminders_off' : 'account.reminders_on');
      return undefined;
    },

    /** Everything the person wrote or is known by goes; choice answers stay, naming nobody. */
    async delete_my_data(turn) {
      const { repos, sessions, questionnaires } = turn.services;
      const p = me(turn);
      const now = turn.services.now();
      await repos.erasure.erase(p, now, (a) => {
        const question = questionnaires
          .get(a.questionnaireId, a.questionnaireVersion)
          ?.questions.find((q) => q.id === a.questionId);
        return question !== undefined && keepsAfterDeletion(question);
      });
      await sessions.deleteForParticipant(p.id);
      await repos.audit.record({
        at: now,
        actor: p.id,
        action: 'participant.anonymised',
        subjectType: 'participant',
        subjectId: p.id,
      });
      turn.say('account.deleted');
      turn.participant = undefined;
      turn.forget = true;
      return undefined;
    },

    async show_help(turn) {
      const p = me(turn);
      const staff = p.isStaff || (await turn.services.repos.cohorts.listForStaffMember(p.id)).length > 0;
      turn.say('account.help');
      if (staff) turn.say('account.help_staff');
      return undefined;
    },
  },
};
