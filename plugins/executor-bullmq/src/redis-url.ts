// Redis URLs carry secrets. The password never reaches config.json, the store or a log line: the
// option keeps the URL with the password replaced by ***, the real URL stays in this process's
// memory (or comes from an environment variable at run time), and every message shows the
// redacted form. Connecting fails fast, with the reason, when Redis cannot be reached.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ConnectionOptions as TlsOptions } from 'node:tls';
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { MASK, UserError, maskSecrets, messageOf, registerSecret, urlSecrets } from '@coex/core';

export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';
export const DEFAULT_REDIS_URL_ENV = 'COEX_REDIS_URL';

export function isRedisUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

/** The URL with its credentials (password, credential query parameters) masked: safe to print and to save. */
export function redactUrl(text: string): string {
  try {
    return maskSecrets(new URL(text).toString());
  } catch {
    return '(not a valid Redis URL)';
  }
}

/** A saved URL whose credentials were masked: the real one is not saved with the run. */
function isMasked(text: string): boolean {
  const url = new URL(text);
  return url.username === MASK || url.password === MASK || [...url.searchParams.values()].includes(MASK);
}

/** Real URLs of redacted option values, for this process only (never serialised). */
const secrets = new Map<string, string>();

/** Option transform: remembers the real URL in memory and returns the redacted one to be saved. */
export function rememberUrl(text: string): string {
  urlSecrets(text).forEach(registerSecret);
  const redacted = redactUrl(text);
  if (redacted !== text) secrets.set(redacted, text);
  return redacted;
}

export interface UrlSource {
  /** The `redis` option as saved (password redacted), if given. */
  redis?: string;
  /** Name of the environment variable holding the full URL. */
  redisUrlEnv: string;
}

export interface ResolvedUrl {
  /** The real URL, password included: give it to the client and to nothing else. */
  url: string;
  /** The redacted URL, for messages. */
  display: string;
  /** Where the URL came from, for messages. */
  source: string;
}

/**
 * The URL to connect to: the environment variable if set, otherwise the option (with the password
 * this process remembers), otherwise the local default. A saved URL whose password was redacted
 * (a resumed run) needs the environment variable.
 */
export function resolveRedisUrl(source: UrlSource, optionName: string, env: NodeJS.ProcessEnv = process.env): ResolvedUrl {
  const fromEnv = env[source.redisUrlEnv];
  if (fromEnv) return givenUrl(fromEnv, `$${source.redisUrlEnv}`);
  if (source.redis) {
    const url = secrets.get(source.redis) ?? source.redis;
    if (isMasked(url)) {
      throw new UserError(
        `${optionName} is ${source.redis}: its password is not saved with the run (by design); ` +
          `set $${source.redisUrlEnv} to the full URL (redis://user:password@host:port/db) to connect`,
      );
    }
    return givenUrl(url, optionName);
  }
  return givenUrl(DEFAULT_REDIS_URL, 'the default');
}

/** A URL given explicitly (a flag, a variable), checked without ever echoing its password. */
export function givenUrl(url: string, source: string): ResolvedUrl {
  urlSecrets(url).forEach(registerSecret);
  if (!isRedisUrl(url)) {
    throw new UserError(`${source} (${redactUrl(url)}): expected a redis:// or rediss:// URL, e.g. redis://user:password@host:6379/0`);
  }
  return { url, display: redactUrl(url), source };
}

/** TLS files and settings (file paths are saved; the files' contents are read at connect time). */
export interface TlsFiles {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
  rejectUnauthorized?: boolean;
}

/** TLS options for the client: for rediss:// URLs, or whenever TLS settings are given. */
export function tlsOptions(url: string, files: TlsFiles | undefined, baseDir: string, label: (key: string) => string): TlsOptions | undefined {
  if (new URL(url).protocol !== 'rediss:' && !files) return undefined;
  const read = (key: 'ca' | 'cert' | 'key'): Buffer | undefined => {
    const file = files?.[key];
    if (!file) return undefined;
    const full = path.resolve(baseDir, file);
    try {
      return fs.readFileSync(full);
    } catch (error) {
      throw new UserError(`${label(key)}: cannot read ${full} (${(error as NodeJS.ErrnoException).code ?? messageOf(error)})`);
    }
  };
  const tls: TlsOptions = {};
  for (const key of ['ca', 'cert', 'key'] as const) {
    const content = read(key);
    if (content) tls[key] = content;
  }
  if (files?.servername) tls.servername = files.servername;
  if (files?.rejectUnauthorized !== undefined) tls.rejectUnauthorized = files.rejectUnauthorized;
  return tls;
}

export interface RedisTarget extends ResolvedUrl {
  tls?: TlsOptions;
  /** How long the first connection may take, in milliseconds. */
  connectTimeoutMs: number;
}

/**
 * Client options for BullMQ's connections: commands wait through a Redis restart instead of
 * failing (BullMQ needs this for blocking connections), and reconnecting starts at once and backs
 * off to 2 s at most, so a restarted server is found again quickly.
 */
export function connectionOptions(target: RedisTarget): RedisOptions & { url: string } {
  return {
    url: target.url,
    ...(target.tls ? { tls: target.tls } : {}),
    connectTimeout: target.connectTimeoutMs,
    maxRetriesPerRequest: null,
    retryStrategy: (times: number) => Math.min(250 * times, 2000),
  };
}

/** Masks the URL's credentials (raw and percent-decoded) wherever a client's message repeats them. */
export function scrub(message: string, url: string): string {
  urlSecrets(url).forEach(registerSecret);
  return maskSecrets(message);
}

/** Which settings a user changes to fix a connection, for error messages. */
export interface SettingNames {
  /** Where the URL comes from, e.g. `executor.redis or $COEX_REDIS_URL`. */
  url: string;
  /** Where the TLS files are set, e.g. `executor.tls`. */
  tls: string;
}

/** Connects once, with no retries and a hard deadline, and turns a failure into a clear UserError. */
export async function checkReachable(target: RedisTarget, where: SettingNames): Promise<void> {
  const client = new Redis(target.url, {
    ...(target.tls ? { tls: target.tls } : {}),
    lazyConnect: true,
    connectTimeout: target.connectTimeoutMs,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: unknown;
  client.on('error', (error) => {
    lastError = error;
  });
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(Object.assign(new Error(`no answer within ${target.connectTimeoutMs / 1000} s`), { code: 'ETIMEDOUT' })),
      target.connectTimeoutMs + 1000,
    );
  });
  try {
    await Promise.race([client.connect().then(() => client.ping()), deadline]);
  } catch (error) {
    throw unreachable(lastError ?? error, target, where);
  } finally {
    clearTimeout(timer);
    client.disconnect();
  }
}

function unreachable(error: unknown, target: RedisTarget, where: SettingNames): UserError {
  const code = (error as { code?: string }).code;
  const detail = scrub(messageOf(error), target.url).split(/[.,]\s/)[0].replace(/\.$/, '');
  if (/^(WRONGPASS|NOAUTH)/.test(detail)) {
    return new UserError(`Redis at ${target.display} refused the connection (${detail}); check the user and password given by ${where.url}`);
  }
  const reason = `${code ? `${code}: ` : ''}${detail}`;
  if (/CERT|SSL|TLS|EPROTO/i.test(reason)) {
    return new UserError(`cannot reach Redis at ${target.display} over TLS (${reason}); check ${where.tls} (the CA that signed the server's certificate)`);
  }
  return new UserError(`cannot reach Redis at ${target.display} (${reason}); start redis-server there, or set ${where.url} to a running one`);
}
