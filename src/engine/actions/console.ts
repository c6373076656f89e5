import type { FlowHandlers } from '../context.js';
import { me } from './common.js';

export const consoleLink: Pick<FlowHandlers, 'actions'> = {
  actions: {
    /**
     * /console: a single-use login link, sent only to the person in their private chat (the flow is
     * for curators, tutors and staff; the engine checks the role before it starts).
     */
    async send_console_link(turn) {
      const links = turn.services.console;
      if (!links) {
        turn.say('console.off');
        return undefined;
      }
      const url = await links.loginUrl(me(turn).id);
      turn.say('console.link', { url, minutes: links.ttlMinutes });
      return undefined;
    },
  },
};
