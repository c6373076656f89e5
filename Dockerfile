# Sputnik: Node 20 on Debian, with Debian's Chromium for the WhatsApp client.

# The build stage compiles the TypeScript once, at image time: the container starts compiled JavaScript.
FROM node:20-bookworm-slim AS build
ENV PUPPETEER_SKIP_DOWNLOAD=true
WORKDIR /app
COPY package.json package-lock.json .puppeteerrc.cjs ./
# --ignore-scripts: `prepare` would build before the sources are here; the build runs below.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# The content too: the build checks it and keeps it in dist/content-cache, so a container's first
# start does not read it again (an edited copy mounted over it is checked in full, as always).
COPY flows ./flows
COPY questionnaires ./questionnaires
# tsc writes dist/, then esbuild joins the bot's and the CLI's modules into dist/bundle/ (faster starts);
# the image runs the bundle, so a build that could not make it fails here rather than start slower.
RUN node src/launch.mjs build && test -f dist/bundle/main.js

FROM node:20-bookworm-slim

# chromium: whatsapp-web.js drives it (puppeteer's own browser download is skipped, see .puppeteerrc.cjs).
# fonts: so WhatsApp Web and server-side charts render Cyrillic and Kazakh letters.
# tini: forwards SIGTERM so the bot drains its jobs and flushes the store before exiting.
RUN apt-get update \
 && apt-get install -y --no-install-recommends chromium fonts-dejavu-core fonts-liberation tini ca-certificates \
 && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    PUPPETEER_SKIP_DOWNLOAD=true \
    CHROME_PATH=/usr/bin/chromium \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=3000

WORKDIR /app
COPY package.json package-lock.json .puppeteerrc.cjs ./
# The launcher behind `npm start` and `npm run cli`. Without TypeScript (a dev dependency) the package's
# `prepare` says so and builds nothing: dist/ comes from the build stage.
COPY src/launch.mjs src/launch-text.mjs ./src/
RUN npm ci --omit=dev && npm cache clean --force

COPY --from=build /app/dist ./dist
COPY flows ./flows
COPY questionnaires ./questionnaires

RUN mkdir -p /data && chown -R node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.HTTP_PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"

ENTRYPOINT ["/usr/bin/tini", "--"]
# No --enable-source-maps: it costs each start ~0.15 s of CPU (docs/performance.md); add it to debug.
CMD ["node", "dist/bundle/main.js"]
