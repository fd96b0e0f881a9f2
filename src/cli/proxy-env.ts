/**
 * The proxy the CLI uses for a URL, from the environment as curl and most tools read it
 * (only the CLI reads the environment; the library takes the `proxy` option):
 * - `https_proxy` / `HTTPS_PROXY` for `https:` URLs, `http_proxy` / `HTTP_PROXY` for
 *   `http:` URLs (the lower-case name first; an empty value is no proxy; a value without
 *   a scheme is taken as `http://`);
 * - none when `no_proxy` / `NO_PROXY` matches the URL's host: a list separated by commas or
 *   spaces of `*` (every host), host names (that host and its subdomains; a leading `.` or
 *   `*.` changes nothing), IP addresses, IPv4 ranges (`10.0.0.0/8`), each with an optional
 *   `:port` that must then match too.
 * Pure: the environment is a parameter.
 */

/** The proxy for `url` and the variable it came from, or `undefined` for none. */
export function proxyFromEnv(
  url: string,
  env: Readonly<Record<string, string | undefined>>,
): { proxy: string; variable: string } | undefined {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const scheme =
    target.protocol === 'https:' ? 'https' : target.protocol === 'http:' ? 'http' : undefined;
  if (scheme === undefined) return undefined;
  const found = read(env, `${scheme}_proxy`);
  if (found === undefined) return undefined;
  const noProxy = read(env, 'no_proxy');
  if (noProxy !== undefined && matchesNoProxy(target, noProxy.value)) return undefined;
  const proxy = /^[a-z][a-z0-9+.-]*:\/\//i.test(found.value)
    ? found.value
    : `http://${found.value}`;
  return { proxy, variable: found.variable };
}

/** The lower-case variable, else the upper-case one; empty and blank values are absent. */
function read(
  env: Readonly<Record<string, string | undefined>>,
  lower: string,
): { value: string; variable: string } | undefined {
  for (const variable of [lower, lower.toUpperCase()]) {
    const value = env[variable]?.trim();
    if (value !== undefined && value !== '') return { value, variable };
  }
  return undefined;
}

/** Whether `no_proxy`'s list `list` names the host (and port) of `target`. */
export function matchesNoProxy(target: URL, list: string): boolean {
  const host = target.hostname
    .replace(/^\[(.*)\]$/, '$1')
    .toLowerCase()
    .replace(/\.$/, '');
  const port = target.port === '' ? (target.protocol === 'https:' ? '443' : '80') : target.port;
  for (const raw of list.split(/[\s,]+/)) {
    const entry = raw.trim().toLowerCase();
    if (entry === '') continue;
    if (entry === '*') return true;
    const { name, entryPort } = splitPort(entry);
    if (entryPort !== undefined && entryPort !== port) continue;
    if (name.includes('/')) {
      if (inIpv4Range(host, name)) return true;
      continue;
    }
    const bare = name.replace(/^\*?\./, '').replace(/\.$/, '');
    if (bare !== '' && (host === bare || host.endsWith(`.${bare}`))) return true;
  }
  return false;
}

/** `host:port`, `[v6]:port`, or a bare name / address / range (an IPv6 address has colons). */
function splitPort(entry: string): { name: string; entryPort: string | undefined } {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed !== null) return { name: bracketed[1] ?? '', entryPort: bracketed[2] };
  const colons = entry.split(':').length - 1;
  const withPort = colons === 1 ? /^(.*):(\d+)$/.exec(entry) : null;
  return withPort === null
    ? { name: entry, entryPort: undefined }
    : { name: withPort[1] ?? '', entryPort: withPort[2] };
}

function inIpv4Range(host: string, range: string): boolean {
  const [base, bitsText] = range.split('/');
  const bits = Number(bitsText);
  const a = ipv4(host);
  const b = ipv4(base ?? '');
  if (a === undefined || b === undefined || !Number.isInteger(bits) || bits < 0 || bits > 32) {
    return false;
  }
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^\d{1,3}$/.test(p) && Number(p) <= 255)) {
    return undefined;
  }
  return parts.reduce((n, p) => ((n << 8) | Number(p)) >>> 0, 0);
}
