import type { whatsapp as ru } from '../ru/whatsapp.js';
import type { Message } from '../catalog.js';

export const whatsapp: Record<keyof typeof ru, Message> = {
  choose_one: 'Reply with a number:',
  choose_several: 'You can choose several — numbers separated by commas, for example: {example}',
  choose_up_to: 'You can choose up to {max} — numbers separated by commas, for example: {example}',
  choose_ranking:
    'Put the options in order of importance — numbers separated by spaces, most important first, for example: {example}',
  back_hint: 'Write “{word}” to go back to the previous question.',
  skip_hint: 'Write “{word}” if you would rather not answer this question.',
  start_link: '{label}: {url}',
  join_private:
    'Hello! You have joined the group of the course “{title}”. I am Sputnik, the post-course support assistant: I send questionnaires and take the links to the activities you run.\n\nTo begin, send me the course code: {code}',
  join_private_known:
    'Hello! You have joined the group of the course “{title}”. I am Sputnik, the post-course support assistant: I send questionnaires and take the links to the activities you run. You are already on the course list — write “{word}” to begin.',
  invite_pending:
    'Hello! A WhatsApp group has been created for the course “{title}”. Your WhatsApp privacy settings did not let us add you directly. Please join with this link: {link}',
  group_description:
    'Group of the course “{title}”. Questionnaires, stage reminders and activity links go through private messages with the Sputnik bot. Course code: {code}',
  create_usage: 'To create the course group in WhatsApp, send: /newgroup COURSE_CODE',
  create_not_allowed: 'Only the course curator or centre staff can create its group.',
  create_started: 'Creating the WhatsApp group of the course “{title}”…',
  created: 'The group of the course “{title}” has been created. Invite link for participants: {link}',
  created_no_link:
    'The group of the course “{title}” has been created, but its invite link could not be fetched. Open the group in WhatsApp and invite people from there.',
  already_exists: 'The course “{title}” already has a WhatsApp group. Invite link: {link}',
  invites_pending:
    'Could not be added directly because of privacy settings; the invite link was sent to them privately: {names}',
  not_added: 'Not added (number not on WhatsApp or another error): {names}',
  no_phone: 'No phone number, not added: {names}',
  create_failed:
    'Could not create the WhatsApp group ({reason}). Try again later, or create the group by hand, add the bot’s number and send there: /bind {code}',
  no_members:
    'Nobody to add to the group of the course “{title}”: no curator or tutor has a phone number. Add the numbers to the cohort file and import it again.',
  not_connected: 'WhatsApp is not connected right now. The group will be created as soon as the connection is back.',
  alert_paused:
    'WhatsApp: sending is paused — the same error keeps repeating ({detail}). WhatsApp Web has probably been updated. Every message is kept ({pending} queued) and goes out once sending works again; the bot tries every few minutes. Check the bot’s log and update whatsapp-web.js.',
  alert_resumed: 'WhatsApp: sending works again; the queued messages are going out.',
  alert_logged_out:
    'WhatsApp: the bot was logged out ({reason}). Messages are kept in the queue. To reconnect, scan the QR code again (the bot’s log or GET /whatsapp/qr). Common causes: the bot’s phone was offline for 14 days, the device was unlinked on the phone (Linked devices), or four devices are already linked to the account — unlink one.',
  alert_conflict:
    'WhatsApp: the bot’s account was opened elsewhere (another computer or WhatsApp Web) and the bot was disconnected. Close the other session; messages are kept in the queue.',
  alert_unconfirmed:
    'WhatsApp: the bot restarted while sending, and {count} message(s) were not found in their chats afterwards: the person may not have them. They were not sent again, so as not to arrive twice. List with texts: npm run cli -- whatsapp failed. Check, and write to the person yourself if needed.',
};
