// The login page: a password form for staff and school administrators, and what a curator does
// instead (ask the bot for a link).
import type { Locale } from '../../../domain/locale.js';
import { html } from '../html.js';
import { sayer } from '../i18n.js';
import { layout } from '../layout.js';

export function loginPage(locale: Locale, message?: { text: string; error?: boolean }, next?: string) {
  const say = sayer(locale);
  const action = `/console/login${next ? `?next=${encodeURIComponent(next)}` : ''}`;
  return layout(
    { title: say('login_title'), locale, here: action, ...(message ? { flash: message } : {}) },
    html`<div class="card" style="max-width:420px">
<form method="post" action="${action}">
<p><label>${say('login_login')}<br><input name="login" autocomplete="username" required maxlength="64"></label></p>
<p><label>${say('login_password')}<br><input name="password" type="password" autocomplete="current-password" required maxlength="200"></label></p>
<p><button type="submit">${say('login_submit')}</button></p>
</form>
<p class="muted">${say('login_accounts')} <code>npm run cli -- console add-staff</code>.</p>
<p class="muted">${say('login_curators')}</p>
</div>`,
  );
}
