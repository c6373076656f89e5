// The links a curator hands out so teachers can join a cohort: the bot opens with the code.

export type JoinLink = { ok: true; url: string } | { ok: false; missing: string };

export interface JoinLinks {
  telegram: JoinLink;
  whatsapp: JoinLink;
  max: JoinLink;
}

export function buildJoinLinks(input: {
  code: string;
  telegramBotUsername: string | undefined;
  whatsappPhone: string | undefined;
  maxBotUsername?: string | undefined;
}): JoinLinks {
  const code = encodeURIComponent(input.code);
  const username = input.telegramBotUsername?.replace(/^@/, '');
  // wa.me takes the number as bare digits: no "+", spaces or brackets.
  const digits = input.whatsappPhone?.replace(/\D/g, '');
  return {
    telegram: username
      ? { ok: true, url: `https://t.me/${username}?start=${code}` }
      : { ok: false, missing: 'TELEGRAM_BOT_USERNAME' },
    whatsapp: digits
      ? { ok: true, url: `https://wa.me/${digits}?text=${code}` }
      : { ok: false, missing: 'WHATSAPP_PHONE' },
    // dev.max.ru/help/deeplinks: the payload (at most 128 characters) arrives with bot_started.
    max: input.maxBotUsername
      ? { ok: true, url: `https://max.ru/${input.maxBotUsername.replace(/^@/, '')}?start=${code}` }
      : { ok: false, missing: 'MAX_BOT_USERNAME' },
  };
}
