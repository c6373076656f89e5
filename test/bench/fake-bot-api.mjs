// A local stand-in for the Telegram Bot API, for `npm run bench`: answers every method at once,
// and records when each message arrived and for which chat. Run as its own process (plain
// JavaScript, no build), so the bot's CPU figures are the bot's alone. It prints
// `{"port": N}` on its first line. `GET /records` returns [[chatId, epochMs], ...] and clears them.
// `POST /refuse` with {"after": N, "retryAfter": S} answers the (N+1)th message from then on with
// Telegram's 429 "retry after S" (it is not delivered); `GET /refusals` returns those, as records.
import { createServer } from 'node:http';

const ME = { id: 7_000_000_001, is_bot: true, first_name: 'Sputnik bench', username: 'sputnik_bench_bot', can_join_groups: true, can_read_all_group_messages: false, supports_inline_queries: false };
let records = [];
let refusals = [];
/** The next refusal: how many messages to let through first, and its retry_after. */
let refuse = null;
let messageId = 0;

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const at = performance.timeOrigin + performance.now();
    if (req.method === 'GET' && req.url === '/records') {
      const body = JSON.stringify(records);
      records = [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    if (req.method === 'GET' && req.url === '/refusals') {
      const body = JSON.stringify(refusals);
      refusals = [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(body);
      return;
    }
    const text = Buffer.concat(chunks).toString('utf8');
    if (req.method === 'POST' && req.url === '/refuse') {
      refuse = JSON.parse(text);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    const method = (req.url ?? '').split('/').pop()?.split('?')[0] ?? '';
    let payload = {};
    if (text.startsWith('{')) {
      try {
        payload = JSON.parse(text);
      } catch {
        payload = {};
      }
    }
    let result = true;
    if (method === 'getMe') result = ME;
    else if (method === 'getUpdates') result = [];
    else if (method === 'getWebhookInfo') result = { url: '', has_custom_certificate: false, pending_update_count: 0 };
    else if (/^(send|copy|forward)/.test(method)) {
      const chatId = payload.chat_id;
      if (refuse && refuse.after-- <= 0) {
        const retryAfter = refuse.retryAfter;
        refuse = null;
        refusals.push([String(chatId), at]);
        const refusal = { ok: false, error_code: 429, description: `Too Many Requests: retry after ${retryAfter}`, parameters: { retry_after: retryAfter } };
        res.writeHead(429, { 'content-type': 'application/json' }).end(JSON.stringify(refusal));
        return;
      }
      records.push([String(chatId), at]);
      result = { message_id: ++messageId, date: Math.floor(at / 1000), chat: { id: Number(chatId), type: Number(chatId) < 0 ? 'supergroup' : 'private' }, text: payload.text ?? '' };
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ port: server.address().port })}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
