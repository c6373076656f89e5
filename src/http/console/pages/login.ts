// The login page: a password form for staff and school administrators, and what a curator does
// instead (ask the bot for a link).
import { html } from '../html.js';
import { layout } from '../layout.js';

export function loginPage(message?: { text: string; error?: boolean }, next?: string) {
  return layout(
    { title: 'Вход в консоль', ...(message ? { flash: message } : {}) },
    html`<div class="card" style="max-width:420px">
<form method="post" action="/console/login${next ? `?next=${encodeURIComponent(next)}` : ''}">
<p><label>Логин<br><input name="login" autocomplete="username" required maxlength="64"></label></p>
<p><label>Пароль<br><input name="password" type="password" autocomplete="current-password" required maxlength="200"></label></p>
<p><button type="submit">Войти</button></p>
</form>
<p class="muted">Учётные записи сотрудников центра и администраторов школ создаются командой
<code>npm run cli -- console add-account</code>.</p>
<p class="muted">Кураторы и тьюторы входят по одноразовой ссылке: напишите боту <code>/console</code> в личном чате.</p>
</div>`,
  );
}
