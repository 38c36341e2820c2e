// The dashboard's HTTP server (fastify): the page and its scripts (the chart libraries come from
// node_modules, nothing from the network), the JSON endpoints and the live stream.
//   GET /             the page
//   GET /api/summary  runs, progress, fronts, hypervolume, stage times (Summary)
//   GET /api/trials   a JSON array of every trial (TrialRow)
//   GET /events       Server-Sent Events: `update` with {revision, updatedAt} whenever the store changed
// Off loopback every request needs the token: `?token=...` once (it then sets a cookie), or the cookie.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { StoreWatcher } from './watch';

export const TOKEN_COOKIE = 'coex_dashboard_token';
const STATIC_DIR = path.join(__dirname, '..', 'static');
/** SSE comment lines keep proxies and browsers from closing an idle stream. */
const HEARTBEAT_MS = 15_000;

/** A file of a package's build folder (the packages' export maps hide their browser builds). */
function packageFile(name: string, file: string): string {
  return path.join(path.dirname(require.resolve(name)), file);
}

const ASSETS: Record<string, { file: () => string; type: string }> = {
  '/': { file: () => path.join(STATIC_DIR, 'index.html'), type: 'text/html; charset=utf-8' },
  '/app.js': { file: () => path.join(STATIC_DIR, 'app.js'), type: 'text/javascript; charset=utf-8' },
  '/style.css': { file: () => path.join(STATIC_DIR, 'style.css'), type: 'text/css; charset=utf-8' },
  '/vendor/vega.min.js': { file: () => packageFile('vega', 'vega.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/vega-lite.min.js': { file: () => packageFile('vega-lite', 'vega-lite.min.js'), type: 'text/javascript; charset=utf-8' },
  '/vendor/vega-embed.min.js': { file: () => packageFile('vega-embed', 'vega-embed.min.js'), type: 'text/javascript; charset=utf-8' },
};

export function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

function sameToken(given: unknown, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && crypto.timingSafeEqual(a, b);
}

export interface ServerOptions {
  watcher: StoreWatcher;
  /** When set, every request must carry it (query or cookie). */
  token?: string;
}

export async function buildServer({ watcher, token }: ServerOptions): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  await app.register(cookie);
  const assets = new Map(Object.entries(ASSETS).map(([url, a]) => [url, { body: fs.readFileSync(a.file()), type: a.type }]));

  if (!token) {
    // Without a token only loopback names may reach it: a web page that points its own host name at
    // 127.0.0.1 (DNS rebinding) sends that name as Host and is refused.
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const host = (request.headers.host ?? '').replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
      if (isLoopback(host)) return;
      reply.code(403).type('text/plain; charset=utf-8').send(`coex dashboard: Host ${request.headers.host ?? '(none)'} is not a loopback name; open it as 127.0.0.1 or localhost\n`);
      return reply;
    });
  }
  if (token) {
    app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const query = (request.query as Record<string, unknown>)?.token;
      if (sameToken(query, token)) {
        reply.setCookie(TOKEN_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'strict' });
        return;
      }
      if (sameToken(request.cookies[TOKEN_COOKIE], token)) return;
      const wrong = query !== undefined || request.cookies[TOKEN_COOKIE] !== undefined;
      reply.code(wrong ? 403 : 401).type('text/plain; charset=utf-8')
        .send(wrong ? 'coex dashboard: wrong token\n' : 'coex dashboard: this dashboard needs its token: open the URL with ?token=... that `coex dashboard` printed\n');
      return reply;
    });
  }

  for (const [url, asset] of assets) {
    app.get(url, async (_request, reply) => reply.type(asset.type).header('cache-control', 'no-cache').send(asset.body));
  }
  app.get('/api/summary', async () => watcher.current().summary);
  app.get('/api/trials', async () => watcher.current().trials);
  const streams = new Set<import('node:http').ServerResponse>();
  // Open streams never end by themselves: end them so that close() returns.
  app.addHook('preClose', async () => { for (const s of streams) s.end(); });
  app.get('/events', (request, reply) => {
    reply.hijack();
    const out = reply.raw;
    streams.add(out);
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
    const send = (revision: number, updatedAt: string) => out.write(`event: update\nid: ${revision}\ndata: ${JSON.stringify({ revision, updatedAt })}\n\n`);
    out.write('retry: 2000\n\n');
    const { summary } = watcher.current();
    send(summary.revision, summary.updatedAt);
    const unsubscribe = watcher.subscribe((s) => send(s.summary.revision, s.summary.updatedAt));
    const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
    request.raw.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
      streams.delete(out);
    });
  });
  return app;
}
