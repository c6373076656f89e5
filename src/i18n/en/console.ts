// The staff console as the bot speaks of it (/console).
export const consoleLogin = {
  link: 'Your link into the support console:\n{url}\n\nIt works once and for {minutes} min. Do not forward it: it opens your courses and teachers. Open it in a browser on a computer or phone.',
  off: "The support console is turned off on this server. Please ask the centre's administrator.",
};
