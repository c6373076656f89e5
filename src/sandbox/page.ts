// The sandbox page (/sandbox): one screen that works on a phone — who you are (teacher or curator),
// the chat, where to see the result (the console) and how to connect a real channel. Its texts come
// from the i18n catalogs; every value put into the HTML is escaped.
import type { Locale } from '../domain/locale.js';
import { LOCALES } from '../domain/locale.js';
import { t, type MessageKey } from '../i18n/index.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** JSON inside a <script> element: "</script>" and friends cannot close it. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026');
}

const LANGUAGE_NAMES: Record<Locale, string> = { ru: 'Русский', kk: 'Қазақша', en: 'English' };

export interface SandboxPageOptions {
  locale: Locale;
  cohortCode: string;
  /** Where the staff console is; absent: the console is not part of this build. */
  consoleUrl?: string;
  /** A one-click login to the console as the demo curator, when the console offers one. */
  curatorLoginUrl?: string;
}

export function sandboxPage(options: SandboxPageOptions): string {
  const { locale } = options;
  const say = (key: MessageKey) => escapeHtml(t(locale, key));
  const texts = {
    code: options.cohortCode,
    teacherHint: t(locale, 'sandbox.teacher_hint'),
    curatorHint: t(locale, 'sandbox.curator_hint'),
    offline: t(locale, 'sandbox.offline'),
    failed: t(locale, 'sandbox.failed'),
  };
  const languages = LOCALES.map((l) =>
    l === locale
      ? `<b>${escapeHtml(LANGUAGE_NAMES[l])}</b>`
      : `<a href="/sandbox?lang=${l}" hreflang="${l}">${escapeHtml(LANGUAGE_NAMES[l])}</a>`,
  ).join(' · ');
  const consoleBlock = options.consoleUrl
    ? `<section class="card">
  <h2>${say('sandbox.console_title')}</h2>
  <p>${say('sandbox.console_text')}</p>
  <p><a class="button" href="${escapeHtml(options.curatorLoginUrl ?? options.consoleUrl)}">${say('sandbox.console_link')}</a></p>
</section>`
    : '';
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${say('sandbox.title')}</title>
<link rel="stylesheet" href="/sandbox/app.css">
</head>
<body>
<header>
  <h1>${say('sandbox.title')}</h1>
  <nav aria-label="${say('sandbox.language')}">${languages}</nav>
</header>
<main>
<p class="intro">${say('sandbox.intro')}</p>
<div class="roles" role="tablist">
  <button type="button" role="tab" data-role="teacher" aria-selected="true">${say('sandbox.as_teacher')}</button>
  <button type="button" role="tab" data-role="curator" aria-selected="false">${say('sandbox.as_curator')}</button>
</div>
<p id="role-hint" class="role-hint"></p>
<section class="chat">
  <div id="log" class="log" aria-live="polite"></div>
  <p id="status" class="status" role="status"></p>
  <form id="composer" class="composer" autocomplete="off">
    <input id="message" name="message" maxlength="4000" placeholder="${say('sandbox.placeholder')}" aria-label="${say('sandbox.placeholder')}">
    <button type="submit">${say('sandbox.send')}</button>
  </form>
  <button type="button" id="restart" class="link">${say('sandbox.restart')}</button>
</section>
${consoleBlock}
<section class="card" id="connect">
  <h2>${say('sandbox.connect_title')}</h2>
  <p>${say('sandbox.connect_text')}</p>
  <ul>
    <li>${say('sandbox.connect_telegram')}</li>
    <li>${say('sandbox.connect_whatsapp')}</li>
    <li>${say('sandbox.connect_max')}</li>
  </ul>
  <p>${say('sandbox.connect_readme')}</p>
</section>
</main>
<script id="texts" type="application/json">${scriptJson(texts)}</script>
<script src="/sandbox/app.js"></script>
</body>
</html>
`;
}

export const SANDBOX_STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f3f5f8;color:#1d2433}
header{background:#20406a;color:#fff;padding:8px 14px;display:flex;flex-wrap:wrap;align-items:baseline;justify-content:space-between;gap:4px 12px}
header h1{font-size:1.1rem;margin:0}
header nav{font-size:.9rem}
header a{color:#cfe0ff}
main{max-width:640px;margin:0 auto;padding:10px}
.intro{margin:2px 0 8px;font-size:.88rem}
.roles{display:flex;gap:8px}
.roles button{flex:1;padding:10px;border:2px solid #20406a;background:#fff;color:#20406a;border-radius:8px;font-size:1rem}
.roles button[aria-selected="true"]{background:#20406a;color:#fff}
.role-hint{font-size:.85rem;color:#44506a;margin:6px 0}
.chat{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:8px}
.log{height:calc(100vh - 400px);min-height:240px;overflow-y:auto;display:flex;flex-direction:column;gap:6px;padding:4px}
.msg{max-width:88%;padding:8px 10px;border-radius:10px;white-space:pre-wrap;overflow-wrap:anywhere}
.msg.bot{align-self:flex-start;background:#eef2f8}
.msg.me{align-self:flex-end;background:#d8f0d2}
.hint{font-size:.85rem;color:#5a667e;margin-top:4px}
.options,.controls{display:flex;flex-wrap:wrap;gap:6px;margin-top:8px}
.options button,.controls button{padding:8px 10px;border-radius:8px;border:1px solid #3b6db3;background:#fff;color:#20406a;font-size:.95rem;min-height:40px}
.options button[aria-pressed="true"]{background:#3b6db3;color:#fff}
.options button.done{border-color:#20406a;font-weight:600}
.controls button{border-style:dashed}
button:disabled{opacity:.45}
.status{min-height:1.2em;margin:4px 0;color:#a33;font-size:.9rem}
.composer{display:flex;gap:6px}
.composer input{flex:1;min-width:0;padding:10px;border:1px solid #b7c1d3;border-radius:8px;font-size:1rem}
.composer button{padding:10px 14px;border:0;border-radius:8px;background:#20406a;color:#fff;font-size:1rem}
button.link{background:none;border:0;color:#3b6db3;padding:6px 0;margin-top:4px;text-decoration:underline;font-size:.9rem}
.card{background:#fff;border-radius:10px;box-shadow:0 1px 3px rgba(0,0,0,.12);padding:8px 14px;margin-top:12px;font-size:.95rem}
.card h2{font-size:1.05rem;margin:6px 0}
.card ul{padding-left:20px}
a.button{display:inline-block;padding:8px 14px;border-radius:8px;background:#20406a;color:#fff;text-decoration:none}
`;
