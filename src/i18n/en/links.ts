import type { CatalogLike } from '../catalog.js';
import type { links as ru } from '../ru/links.js';

export const links: CatalogLike<{ links: typeof ru }>['links'] = {
  menu_item: { one: 'Broken links ({count})', other: 'Broken links ({count})' },
  dead_notice:
    'The link to the materials of "{title}" has not opened in two checks in a row:\n{url}\n\nThe final stage needs working links. Please send a new one.',
  busy_notice:
    'The link to the materials of "{title}" has not opened in two checks in a row:\n{url}\n\nWhen you finish the current dialog, open /menu → "Broken links" to send a new one.',
  ask_which: 'Which link do you want to replace?',
  ask_new_link: 'Send the new link to the materials of "{title}".',
  replaced: 'Thank you! The link is replaced and the curator will see the new one. I will check it shortly.',
  none: 'All your links open: nothing to replace.',
  gone: 'This link has already been replaced or the activity has changed. Open /menu to see what is left.',
  curator_dead:
    'A link of {teacher} (course "{cohortTitle}") has not opened in two checks in a row:\nactivity "{title}"\n{url}\nState: {status}\n\nThe teacher has been asked to send a new link.',
  curator_replaced: '{teacher} (course "{cohortTitle}") replaced the link of "{title}":\nwas: {oldUrl}\nnow: {newUrl}',
  result_dead_notice:
    'The link you sent in the questionnaire "{title}" does not open ({status}):\n{url}\n\nThe curator needs a working link: the page must open without signing in or requesting access. Please send a new one.',
  result_busy_notice:
    'The link you sent in the questionnaire "{title}" does not open ({status}):\n{url}\n\nWhen you finish the current dialog, open /menu → "Broken links" to send a new one.',
  ask_new_result_link: 'Send the new link for the questionnaire "{title}".',
  curator_result_dead:
    'A link of {teacher} (course "{cohortTitle}") in the questionnaire "{title}" does not open:\n{url}\nState: {status}\n\nThe teacher has been asked to send a new link.',
  curator_result_replaced:
    '{teacher} (course "{cohortTitle}") replaced the link in the questionnaire "{title}":\nwas: {oldUrl}\nnow: {newUrl}',
  status_dead: 'the page answers with error {httpStatus}',
  status_timeout: 'the site did not answer in time',
  status_unreachable: 'the site cannot be reached',
  status_redirect_loop: 'endless redirects',
  status_unsafe: 'an address in an internal network, not reachable from outside',
  status_invalid: 'not a web link',
};
