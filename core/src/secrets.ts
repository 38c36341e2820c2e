// Secrets never reach a file or a terminal in clear. One function, maskSecrets, masks every
// credential form Coex knows of in any text: a URL's userinfo (`redis://:pw@`, `user:pw@`), query
// parameters that carry credentials (ioredis reads `password`, `username`, `sentinelPassword`
// ... from a URL's query; `token`, `secret`, `key` and the like for other services), and any
// secret this process has been told of (`registerSecret`) or found in the environment (URLs with
// credentials in variables such as REDIS_URL), wherever it appears on its own. Every writer uses
// it: the CLI's stdout and stderr, config.json and study.json, the store, the report.

export const MASK = '***';

/** Query parameter names whose values are credentials. */
const SECRET_PARAM = /^(?:[a-z]*pass(?:word)?|pwd|[a-z]*user(?:name)?|[a-z]*token|[a-z]*secret|[a-z_]*key|auth|authorization|credentials?|sig(?:nature)?)$/i;

// scheme://user:password@ or scheme://:password@ (the password may hold anything but '@' and '/'),
// and scheme://token@ (a lone userinfo is a credential too, e.g. https://<token>@github.com).
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)([^\s/@:'"`<>]*)(?::([^\s/@'"`<>]*))?@/gi;
const QUERY_PARAM = /([?&;])([A-Za-z_][A-Za-z0-9_.-]*)=([^&#\s'"`<>]*)/g;

const known = new Set<string>();
const MIN_BARE_SECRET = 6;

/** Masks `secret` wherever it appears in what this process writes from now on. */
export function registerSecret(secret: string | undefined): void {
  // Short values would mask ordinary words wherever they appear (inside URLs they are masked anyway).
  if (secret && secret.length >= MIN_BARE_SECRET && secret !== MASK) {
    known.add(secret);
    try {
      const decoded = decodeURIComponent(secret);
      if (decoded.length >= MIN_BARE_SECRET) known.add(decoded);
    } catch {
      /* not percent-encoded */
    }
  }
}

/** The credentials a URL carries (its password, and query parameters that are credentials). */
export function urlSecrets(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(USERINFO)) {
    if (m[3] !== undefined) found.push(m[3]);
    else if (m[2]) found.push(m[2]);
  }
  for (const m of text.matchAll(QUERY_PARAM)) if (SECRET_PARAM.test(m[2]) && m[3]) found.push(m[3]);
  return found.filter((s) => s !== MASK);
}

/** Remembers the credentials in the URLs of environment variables (REDIS_URL, COEX_REDIS_URL, ...). */
export function registerEnvironmentSecrets(env: NodeJS.ProcessEnv = process.env): void {
  for (const value of Object.values(env)) if (value && value.includes('://')) urlSecrets(value).forEach(registerSecret);
}

/** `text` with every credential replaced by ***. */
export function maskSecrets(text: string): string {
  let out = text.replace(USERINFO, (whole, scheme: string, user: string, password: string | undefined) =>
    password !== undefined ? `${scheme}${user}:${MASK}@` : user ? `${scheme}${MASK}@` : whole);
  out = out.replace(QUERY_PARAM, (whole, sep: string, name: string, value: string) =>
    SECRET_PARAM.test(name) && value ? `${sep}${name}=${MASK}` : whole);
  for (const secret of known) if (out.includes(secret)) out = out.split(secret).join(MASK);
  return out;
}

/** A copy of `value` with every string masked (configurations, records), keys included. */
export function maskSecretsDeep<T>(value: T): T {
  if (typeof value === 'string') return maskSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v) => maskSecretsDeep(v)) as T;
  if (value && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) Object.defineProperty(out, maskSecrets(k), { value: maskSecretsDeep(v), enumerable: true, writable: true, configurable: true });
    return out as T;
  }
  return value;
}

/** Makes every write to `stream` masked (the CLI's stdout and stderr). */
export function maskStream(stream: NodeJS.WriteStream): void {
  const write = stream.write.bind(stream) as (chunk: unknown, ...rest: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) =>
    write(typeof chunk === 'string' ? maskSecrets(chunk) : Buffer.isBuffer(chunk) ? maskSecrets(chunk.toString('utf8')) : chunk, ...rest)) as typeof stream.write;
}
