import type { sandbox as ru } from '../ru/sandbox.js';
import type { Message } from '../catalog.js';

export const sandbox: Record<keyof typeof ru, Message> = {
  title: 'Sputnik — sandbox',
  intro:
    'Try the bot without a token: talk to it as a teacher of a demo cohort or as its curator. Everything you do here goes into the demo cohort only and never mixes with real data.',
  as_teacher: 'I am a teacher',
  as_curator: 'I am a curator',
  teacher_hint:
    'Join the demo cohort, answer a questionnaire ("Questionnaires" in the menu) and send the curator an activity you ran, with its link.',
  curator_hint:
    'Open "Activities to review" in the menu: accept an activity or return it with a comment — the teacher gets the answer in their chat.',
  placeholder: 'Message',
  send: 'Send',
  restart: 'Start over',
  offline: 'No connection to the server, retrying…',
  failed: 'The message was not sent. Please try again.',
  console_title: 'See the result in the console',
  console_text: 'Answers, activities and reviews show to the centre staff in the console.',
  console_link: 'Open the console',
  connect_title: 'Connect a real channel',
  connect_text:
    'The sandbox is on while no channel is configured (or SANDBOX=true is set). To let the bot talk to teachers, set these environment variables and restart it:',
  connect_telegram: 'Telegram — TELEGRAM_BOT_TOKEN (the token from @BotFather)',
  connect_whatsapp: 'WhatsApp — WHATSAPP_ENABLED=true, then scan the QR code',
  connect_max: 'Max — MAX_BOT_TOKEN (the Max bot token)',
  connect_readme: 'More in the README: "Try it without a token" and the channel sections.',
  language: 'Language',
};
