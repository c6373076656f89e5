// The sandbox page as served: its language, the console link only when a console is there, and
// values put into the HTML escaped.
import { describe, expect, it } from 'vitest';
import { escapeHtml, sandboxPage } from '../../src/sandbox/page.js';

describe('the sandbox page', () => {
  it('speaks the asked language and says how to connect each real channel', () => {
    const kk = sandboxPage({ locale: 'kk', cohortCode: 'DEMO' });
    expect(kk).toContain('<html lang="kk">');
    expect(kk).toContain('<title>Спутник — құмсалғыш</title>');
    for (const setting of ['TELEGRAM_BOT_TOKEN', 'WHATSAPP_ENABLED=true', 'MAX_BOT_TOKEN'])
      expect(kk).toContain(setting);
    expect(sandboxPage({ locale: 'en', cohortCode: 'DEMO' })).toContain('Connect a real channel');
  });

  it('links to the console only when one is served, and to the one-click curator login when offered', () => {
    expect(sandboxPage({ locale: 'ru', cohortCode: 'DEMO' })).not.toContain('Открыть консоль');
    expect(sandboxPage({ locale: 'ru', cohortCode: 'DEMO', consoleUrl: '/console' })).toContain(
      '<a class="button" href="/console">Открыть консоль</a>',
    );
    const login = sandboxPage({
      locale: 'ru',
      cohortCode: 'DEMO',
      consoleUrl: '/console',
      curatorLoginUrl: '/console/auth?token=a&b',
    });
    expect(login).toContain('href="/console/auth?token=a&amp;b"');
  });

  it('cannot be broken out of by a cohort code', () => {
    const page = sandboxPage({ locale: 'ru', cohortCode: '</script><script>alert(1)</script>' });
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('\\u003c/script\\u003e');
    expect(escapeHtml('<a href="x">&\'')).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});
