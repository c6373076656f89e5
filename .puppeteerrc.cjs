// whatsapp-web.js depends on puppeteer, whose install step downloads a browser. Sputnik uses the
// system Chromium instead (CHROME_PATH, Debian's `chromium`), so the download is always skipped.
module.exports = { skipDownload: true };
