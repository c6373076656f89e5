// The console's page shell: one small inline stylesheet, no external fonts or CDN (the centre's
// machines may be offline), readable on a phone.
import { LOCALES, type Locale } from '../../domain/locale.js';
import { html, trusted, type Html, type HtmlValue } from './html.js';
import { LANGUAGE_NAMES, sayer, type ConsoleKey, type Say } from './i18n.js';
import type { ConsoleViewer } from './viewer.js';

const STYLE = `
*{box-sizing:border-box}body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f4f6f9}
header{background:#1f3a5f;color:#fff;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1rem;align-items:center}
header a{color:#fff;text-decoration:none;padding:.15rem .3rem;border-radius:4px}header a.on,header a:hover{background:#2f5686}
header .brand{font-weight:700;margin-right:.5rem}header form{margin-left:auto}
main{max-width:1100px;margin:0 auto;padding:1rem}
h1{font-size:1.35rem;margin:.2rem 0 1rem}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
.card{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:.8rem 1rem;margin-bottom:1rem}
.tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(160px,1fr));gap:.8rem;margin-bottom:1rem}
.tile{background:#fff;border:1px solid #dde3ea;border-radius:8px;padding:.7rem}.tile b{display:block;font-size:1.5rem}
.scroll{overflow-x:auto}table{border-collapse:collapse;width:100%;background:#fff}
th,td{border-bottom:1px solid #e6eaf0;padding:.4rem .5rem;text-align:left;vertical-align:top}th{background:#eef2f7;font-weight:600}
a{color:#1f5fa8}.muted{color:#667085}.ok{color:#1b7f3b}.warn{color:#b54708}.bad{color:#b42318}
.badge{display:inline-block;padding:0 .45rem;border-radius:10px;background:#eef2f7;font-size:.85em;white-space:nowrap}
figure{margin:0 0 1rem}figure img{display:block;width:100%;height:auto}th{vertical-align:bottom}
.badge.ok{background:#dcfae6}.badge.warn{background:#fef0c7}.badge.bad{background:#fee4e2}
form.inline{display:inline}input,select,textarea,button{font:inherit;padding:.35rem .5rem;border:1px solid #c4cdd8;border-radius:6px;max-width:100%}
textarea{width:100%;min-height:4rem}button{background:#1f5fa8;color:#fff;border-color:#1f5fa8;cursor:pointer}
button.secondary{background:#fff;color:#1f5fa8}.filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:end;margin-bottom:1rem}
.filters label{display:flex;flex-direction:column;font-size:.85em;color:#475467}
.flash{padding:.6rem 1rem;border-radius:6px;margin-bottom:1rem;background:#dcfae6}.flash.error{background:#fee4e2}
.qr svg{width:160px;height:160px}.chat{display:flex;flex-direction:column;gap:.4rem;min-height:50vh;max-height:65vh;overflow-y:auto;padding:.5rem;background:#e9eef5;border-radius:8px}
.msg{max-width:85%;padding:.45rem .7rem;border-radius:10px;white-space:pre-wrap;background:#fff}.msg.me{align-self:flex-end;background:#d1e9ff}
.options{display:flex;flex-wrap:wrap;gap:.3rem;margin-top:.4rem}.options button{background:#fff;color:#1f5fa8}
.langs{display:flex;gap:.5rem;font-size:.85em;color:#c9d6e8}header form+.langs{margin-left:.5rem}
@media (max-width:600px){main{padding:.6rem}th,td{padding:.3rem}header{font-size:.95em}}
`;

const NAV: readonly { href: string; key: ConsoleKey; roles: readonly ConsoleViewer['role'][] }[] = [
  { href: '/console', key: 'nav_home', roles: ['staff', 'curator', 'tutor', 'school_admin'] },
  { href: '/console/cohorts', key: 'nav_cohorts', roles: ['staff', 'curator', 'tutor', 'school_admin'] },
  { href: '/console/participants', key: 'nav_participants', roles: ['staff', 'curator', 'tutor', 'school_admin'] },
  { href: '/console/activities', key: 'nav_activities', roles: ['staff', 'curator', 'tutor'] },
  { href: '/console/consultations', key: 'nav_consultations', roles: ['staff', 'curator', 'tutor'] },
  { href: '/console/broadcasts', key: 'nav_broadcasts', roles: ['staff', 'curator'] },
  { href: '/console/monitoring', key: 'nav_monitoring', roles: ['staff', 'curator', 'tutor'] },
  { href: '/console/audit', key: 'nav_audit', roles: ['staff'] },
];

export interface PageOptions {
  title: string;
  /** The page's language: every word of the shell comes from the catalog in it. */
  locale: Locale;
  viewer?: ConsoleViewer;
  csrf?: string;
  current?: string;
  /** Where the language switch brings the reader back to (this page). */
  here?: string;
  flash?: { text: string; error?: boolean };
  /** Reload the page every so many seconds (a broadcast or an export in progress); no script needed. */
  refreshSeconds?: number;
}

/** Links to the page in each other language; the choice is kept for the browser. */
function languageSwitch(locale: Locale, here: string | undefined): Html {
  const next = here ? `&next=${encodeURIComponent(here)}` : '';
  return html`<nav class="langs">${LOCALES.map((l) =>
    l === locale
      ? html`<b lang="${l}">${LANGUAGE_NAMES[l]}</b>`
      : html`<a lang="${l}" hreflang="${l}" href="/console/lang?to=${l}${next}">${LANGUAGE_NAMES[l]}</a>`,
  )}</nav>`;
}

export function layout(options: PageOptions, content: HtmlValue): Html {
  const { viewer, locale } = options;
  const say = sayer(locale);
  const nav = viewer
    ? NAV.filter((item) => item.roles.includes(viewer.role)).map(
        (item) =>
          html`<a href="${item.href}" class="${item.href === options.current ? 'on' : ''}">${say(item.key)}</a>`,
      )
    : [];
  return html`<!doctype html>
<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}">` : ''}<title>${options.title} — ${say('brand')}</title><style>${trustedStyle}</style></head>
<body><header><span class="brand">${say('brand')}</span>${nav}${
    viewer
      ? html`<form method="post" action="/console/logout"><input type="hidden" name="csrf" value="${options.csrf ?? ''}">
<span class="muted" style="color:#c9d6e8">${viewer.name} · ${roleLabel(say, viewer.role)}</span>
<button class="secondary" type="submit">${say('logout')}</button></form>`
      : ''
  }${languageSwitch(locale, options.here)}</header>
<main>${options.flash ? html`<div class="flash ${options.flash.error ? 'error' : ''}" role="status">${options.flash.text}</div>` : ''}
<h1>${options.title}</h1>${content}</main></body></html>`;
}

export const roleLabel = (say: Say, role: ConsoleViewer['role']): string => say(`role_${role}` as ConsoleKey);

// The stylesheet is the console's own constant, never data.
const trustedStyle = trusted(STYLE);
