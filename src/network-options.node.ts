/**
 * The checks of the Node-only client options (`proxy`, `agents`, `ca`, `cert`, `key`):
 * each well formed, no two that conflict. Their types, keys and documentation are in
 * options.ts with the others; the checks live here so that the browser build, which
 * refuses these options (its transport says so), does not carry them.
 */
import { redactText } from './errors/redact.js';
import {
  type ClientAgents,
  type NetworkOptions,
  rejectUnknownKeys,
  type TlsMaterial,
  type TusClientOptions,
} from './options.js';
import { show } from './show.js';

/** `proxy`, `agents`, `ca`, `cert`, `key`: each well formed, and no two that conflict. */
export function checkNetworkOptions(o: TusClientOptions): NetworkOptions {
  const proxy = checkProxy(o.proxy);
  const agents = checkAgents(o.agents);
  const ca = o.ca === undefined ? undefined : checkCa(o.ca);
  const cert = checkTlsMaterial('cert', o.cert);
  const key = checkTlsMaterial('key', o.key);
  if ((cert === undefined) !== (key === undefined)) {
    throw new TypeError(
      `cert and key go together (a client certificate and its private key), got only ${cert === undefined ? 'key' : 'cert'}`,
    );
  }
  if (agents !== undefined && proxy !== undefined) {
    throw new TypeError(
      "proxy and agents cannot be combined: the proxy is carried by the client's own agents; give your agents the proxy instead",
    );
  }
  if (agents?.https !== undefined) {
    const own = [
      ...(ca === undefined ? [] : ['ca']),
      ...(cert === undefined ? [] : ['cert', 'key']),
      ...(o.verifyTlsCert === false ? ['verifyTlsCert: false'] : []),
    ];
    if (own.length > 0) {
      throw new TypeError(
        `${own.join(', ')} cannot be combined with agents.https: they configure the client's own https agent; give them to your agent instead`,
      );
    }
  }
  return { proxy, agents, ca, cert, key };
}

/** `proxy`: an absolute `http:` or `https:` URL with a host (shown redacted in messages). */
function checkProxy(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string') {
    throw new TypeError(
      `proxy must be a URL string such as 'http://proxy:3128', got ${show(value)}`,
    );
  }
  let parsed: URL | undefined;
  try {
    parsed = new URL(value);
  } catch {}
  if (
    parsed === undefined ||
    (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') ||
    parsed.hostname === ''
  ) {
    throw new TypeError(
      `proxy must be an http: or https: URL such as 'http://proxy:3128', got ${show(redactText(value))}`,
    );
  }
  return value;
}

function checkAgents(value: unknown): Readonly<ClientAgents> | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TypeError(`agents must be an object { http?, https? }, got ${show(value)}`);
  }
  if (typeof (value as { addRequest?: unknown }).addRequest === 'function') {
    throw new TypeError(
      'agents takes { http, https }, not an Agent: give it as agents.http or agents.https',
    );
  }
  rejectUnknownKeys('agents', value, { http: true, https: true });
  const agents = value as ClientAgents;
  for (const name of ['http', 'https'] as const) {
    const agent: unknown = agents[name];
    if (
      agent !== undefined &&
      (typeof agent !== 'object' ||
        agent === null ||
        typeof (agent as { addRequest?: unknown }).addRequest !== 'function')
    ) {
      throw new TypeError(`agents.${name} must be a node:${name} Agent, got ${show(agent)}`);
    }
  }
  return Object.freeze({ ...agents });
}

function checkCa(value: unknown): TlsMaterial | readonly TlsMaterial[] {
  if (!Array.isArray(value)) return checkTlsMaterial('ca', value) as TlsMaterial;
  if (value.length === 0) throw new TypeError('ca must not be an empty array');
  return Object.freeze(value.map((item: unknown) => checkTlsMaterial('ca', item) as TlsMaterial));
}

/** PEM text or bytes, non-empty. Never shown: it may be a private key. */
function checkTlsMaterial(name: string, value: unknown): TlsMaterial | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' ? value.trim() === '' : !(value instanceof Uint8Array)) {
    throw new TypeError(
      `${name} must be PEM text or its bytes (a string or a Buffer), got ${typeof value === 'string' ? 'an empty string' : show(value)}`,
    );
  }
  if (value instanceof Uint8Array && value.byteLength === 0) {
    throw new TypeError(`${name} must not be empty`);
  }
  return value as TlsMaterial;
}
