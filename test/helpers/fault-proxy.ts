/**
 * A fault-injecting HTTP/1.1 proxy on 127.0.0.1 for reliability tests. It speaks raw TCP to
 * the client (so it can reset, stall, trickle, or answer garbage) and node:http to the real
 * server behind it. Each request gets the fault `decide` returns for it (or none):
 *
 * - on the way in: reset or stall after N body bytes (the bytes before reach the server);
 * - instead of the server: a chosen status (the body is read and dropped, never forwarded);
 * - on the way out (the server got the whole request): drop or stall the answer, change its
 *   status/headers/body, answer garbage, half a head, a huge header, a never-ending body, or
 *   the real answer one byte at a time.
 */
import { Agent, request as httpRequest, type IncomingMessage, STATUS_CODES } from 'node:http';
import { type AddressInfo, createServer, type Socket } from 'node:net';
import { SocketReader } from './socket-reader.js';

/** What the proxy knows of a request when it decides its fault. */
export interface RequestHead {
  method: string;
  /** Path and query, e.g. `/files/ab`. */
  path: string;
  /** Request headers, lower-case names. */
  headers: Record<string, string>;
  /** 1-based index among all requests this proxy saw. */
  index: number;
  /** 1-based index among requests with the same method. */
  nth: number;
}

/** An answer as the proxy sends it (after the server's, possibly changed). */
export interface Answer {
  status: number;
  /** Lower-case names; `content-length` and `transfer-encoding` are set by the proxy. */
  headers: Record<string, string>;
  body: Buffer;
}

export type Fault =
  /** Forward `afterBytes` of the body, then reset both connections. */
  | { kind: 'reset'; afterBytes: number }
  /** Forward `afterBytes` of the body, then read nothing and answer nothing for `ms`, then reset. */
  | { kind: 'stall'; afterBytes: number; ms: number }
  /** Answer `status` without forwarding (the body is read and dropped). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Answer `status` at once, without reading the body, and close (nginx's early 413). */
  | { kind: 'early-status'; status: number; body?: string }
  /** Forward all, then reset the client's connection without an answer (a lost answer). */
  | { kind: 'drop-answer' }
  /** Forward all, then answer nothing for `ms`, then reset. */
  | { kind: 'stall-answer'; ms: number }
  /** Forward all, then send `edit(answer)` instead of the server's answer. */
  | { kind: 'edit'; edit: (answer: Answer, request: RequestHead) => Answer }
  /** Forward all, then answer `bytes` random bytes and close. */
  | { kind: 'garbage'; bytes: number }
  /** Forward all, then send the first half of the answer's head and close. */
  | { kind: 'truncated-head' }
  /** Forward all, then answer with an extra header of `size` bytes. */
  | { kind: 'huge-header'; size: number }
  /** Forward all, then send the answer's head (a 204 as 200) and a chunked body that never ends. */
  | { kind: 'endless-body'; pieceBytes: number; everyMs: number }
  /** Forward all, then send the real answer `bytesPerTick` bytes every `everyMs` ms. */
  | { kind: 'slow-answer'; bytesPerTick: number; everyMs: number };

export interface FaultProxyOptions {
  /** The fault for this request, or `undefined` to pass it through. */
  decide?: (request: RequestHead) => Fault | undefined;
}

export interface InjectedFault {
  kind: Fault['kind'];
  method: string;
  path: string;
  index: number;
}

export interface FaultProxy {
  /** The target URL with the proxy's host and port. */
  endpoint: string;
  /** Every request head seen, in order. */
  requests: RequestHead[];
  /** Every fault injected, in order. */
  faults: InjectedFault[];
  /** Highest `Upload-Offset` the server itself answered, per upload path (the truth). */
  serverOffsets: Map<string, number>;
  /** Replaces the fault decision (for tests that change it between steps). */
  setDecide(decide: FaultProxyOptions['decide']): void;
  close(): Promise<void>;
}

const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'transfer-encoding', 'content-length']);

export async function startFaultProxy(
  target: string,
  options: FaultProxyOptions = {},
): Promise<FaultProxy> {
  const upstream = new URL(target);
  const agent = new Agent({ keepAlive: true, maxSockets: 16 });
  const sockets = new Set<Socket>();
  const timers = new Set<ReturnType<typeof setTimeout>>();
  const requests: RequestHead[] = [];
  const faults: InjectedFault[] = [];
  const serverOffsets = new Map<string, number>();
  const counts = new Map<string, number>();
  let decide = options.decide;
  let closed = false;
  let origin = '';

  /** Waits `ms` (cut short when the proxy closes or `socket` goes away). */
  const wait = (ms: number, socket: Socket) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        timers.delete(timer);
        socket.off('close', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      timers.add(timer);
      socket.once('close', done);
    });

  const serve = async (client: Socket) => {
    const reader = new SocketReader(client);
    for (;;) {
      const head = await reader.head();
      if (head === undefined || closed) break;
      const parsed = parseRequestHead(head);
      if (parsed === undefined) {
        client.end('HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\nconnection: close\r\n\r\n');
        break;
      }
      const nth = (counts.get(parsed.method) ?? 0) + 1;
      counts.set(parsed.method, nth);
      const req: RequestHead = { ...parsed, index: requests.length + 1, nth };
      requests.push(req);
      const fault = decide?.(req);
      if (fault !== undefined) {
        faults.push({ kind: fault.kind, method: req.method, path: req.path, index: req.index });
      }
      const keepGoing = await exchange(client, reader, req, fault);
      if (!keepGoing) break;
    }
    if (!client.destroyed) client.destroy();
  };

  /** One request/answer; `false` when the client connection is over. */
  const exchange = async (
    client: Socket,
    reader: SocketReader,
    req: RequestHead,
    fault: Fault | undefined,
  ): Promise<boolean> => {
    const length = Number(req.headers['content-length'] ?? '0');
    if (fault?.kind === 'early-status') {
      const answer: Answer = {
        status: fault.status,
        headers: { 'tus-resumable': '1.0.0', connection: 'close' },
        body: Buffer.from(fault.body ?? ''),
      };
      client.end(serialize(answer, req.method));
      // Lingering close, as nginx does: read and drop what still comes for a while, so the
      // client can read the answer before the connection goes.
      await reader.skip(length);
      return false;
    }
    if (fault?.kind === 'status') {
      if (!(await reader.skip(length))) return false;
      const answer: Answer = {
        status: fault.status,
        headers: { 'tus-resumable': '1.0.0', ...lower(fault.headers ?? {}) },
        body: Buffer.from(fault.body ?? ''),
      };
      client.write(serialize(answer, req.method));
      return true;
    }
    const forwarded = { ...req.headers };
    const up = httpRequest({
      host: upstream.hostname,
      port: upstream.port,
      method: req.method,
      path: req.path,
      headers: forwarded,
      agent,
    });
    const answered = new Promise<IncomingMessage>((resolve, reject) => {
      up.on('response', resolve);
      up.on('error', reject);
    });
    answered.catch(() => {});
    const cutting = fault?.kind === 'reset' || fault?.kind === 'stall';
    const cut = cutting ? Math.min(fault.afterBytes, length) : length;
    let sent = 0;
    while (sent < cut) {
      const piece = await reader.take(cut - sent);
      if (piece === undefined) {
        up.destroy();
        return false;
      }
      sent += piece.byteLength;
      if (!up.write(piece)) await new Promise((resolve) => up.once('drain', resolve));
    }
    if (cutting) {
      // A reset or stall after `cut` body bytes (before anything, for a request without a
      // body): the server keeps what arrived, the client gets no answer.
      if (fault.kind === 'stall') await wait(fault.ms, client);
      up.destroy();
      client.resetAndDestroy();
      return false;
    }
    up.end();
    let answer: Answer;
    try {
      answer = await readAnswer(await answered);
    } catch {
      client.destroy();
      return false;
    }
    noteOffset(req, answer);
    answer.headers.location &&= answer.headers.location.replace(upstream.origin, origin);
    return answerWith(client, req, answer, fault);
  };

  const noteOffset = (req: RequestHead, answer: Answer) => {
    const offset = answer.headers['upload-offset'];
    if (answer.status >= 300 || offset === undefined || !/^[0-9]+$/.test(offset)) return;
    // A creation POST with data (creation-with-upload) answers for the upload it made.
    const location = answer.headers.location;
    const path =
      req.method === 'POST' && location !== undefined
        ? new URL(location, upstream).pathname
        : (req.path.split('?')[0] ?? req.path);
    serverOffsets.set(path, Math.max(serverOffsets.get(path) ?? 0, Number(offset)));
  };

  const answerWith = async (
    client: Socket,
    req: RequestHead,
    answer: Answer,
    fault: Fault | undefined,
  ): Promise<boolean> => {
    switch (fault?.kind) {
      case undefined:
      case 'reset':
      case 'stall':
      case 'status':
      case 'early-status':
        client.write(serialize(answer, req.method));
        return true;
      case 'edit':
        client.write(serialize(fault.edit(answer, req), req.method));
        return true;
      case 'drop-answer':
        client.resetAndDestroy();
        return false;
      case 'stall-answer':
        await wait(fault.ms, client);
        client.resetAndDestroy();
        return false;
      case 'garbage': {
        const noise = Buffer.alloc(fault.bytes);
        for (let i = 0; i < noise.length; i++) noise[i] = (i * 131 + 7) & 0xff;
        client.end(noise);
        return false;
      }
      case 'truncated-head': {
        const whole = serialize(answer, req.method);
        const headEnd = whole.indexOf('\r\n\r\n');
        client.end(whole.subarray(0, Math.max(1, headEnd >> 1)));
        return false;
      }
      case 'huge-header': {
        const padded = {
          ...answer,
          headers: { ...answer.headers, 'x-padding': 'p'.repeat(fault.size) },
        };
        client.write(serialize(padded, req.method));
        return true;
      }
      case 'endless-body': {
        const headers = { ...answer.headers };
        // A 204 cannot carry a body: the same answer as a 200 (which tus allows for PATCH).
        const status = answer.status === 204 ? 200 : answer.status;
        const head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n${headerLines(headers)}transfer-encoding: chunked\r\n\r\n`;
        client.write(head);
        const piece = Buffer.concat([
          Buffer.from(`${fault.pieceBytes.toString(16)}\r\n`),
          Buffer.alloc(fault.pieceBytes, 0x61),
          Buffer.from('\r\n'),
        ]);
        while (!client.destroyed && !closed) {
          if (!client.write(piece)) await new Promise((r) => setTimeout(r, fault.everyMs));
          await wait(fault.everyMs, client);
        }
        return false;
      }
      case 'slow-answer': {
        const whole = serialize(answer, req.method);
        for (let at = 0; at < whole.length && !client.destroyed && !closed; ) {
          client.write(whole.subarray(at, at + fault.bytesPerTick));
          at += fault.bytesPerTick;
          if (at < whole.length) await wait(fault.everyMs, client);
        }
        return !client.destroyed;
      }
    }
  };

  const server = createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => {});
    serve(client).catch(() => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  origin = `http://127.0.0.1:${port}`;
  return {
    endpoint: `${origin}${upstream.pathname}${upstream.search}`,
    requests,
    faults,
    serverOffsets,
    setDecide(next) {
      decide = next;
    },
    async close() {
      closed = true;
      for (const timer of timers) clearTimeout(timer);
      for (const socket of sockets) socket.destroy();
      agent.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function parseRequestHead(
  head: Buffer,
): { method: string; path: string; headers: Record<string, string> } | undefined {
  const lines = head.toString('latin1').split('\r\n');
  const match = /^([A-Z]+) (\S+) HTTP\/1\.[01]$/.exec(lines[0] ?? '');
  if (match === null) return undefined;
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const colon = line.indexOf(':');
    if (colon <= 0) return undefined;
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { method: match[1]!, path: match[2]!, headers };
}

async function readAnswer(response: IncomingMessage): Promise<Answer> {
  const pieces: Buffer[] = [];
  for await (const piece of response) pieces.push(piece as Buffer);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(response.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return { status: response.statusCode ?? 502, headers, body: Buffer.concat(pieces) };
}

function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function headerLines(headers: Record<string, string>): string {
  let out = '';
  for (const [name, value] of Object.entries(headers)) {
    if (!HOP_BY_HOP.has(name)) out += `${name}: ${value}\r\n`;
  }
  return out;
}

/** The answer as bytes on the wire: keep-alive, a `content-length` unless there is no body. */
export function serialize(answer: Answer, method: string): Buffer {
  const { status } = answer;
  const bodyless = method === 'HEAD' || status === 204 || status === 304 || status < 200;
  let head = `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Unknown'}\r\n${headerLines(answer.headers)}`;
  if (!bodyless) head += `content-length: ${answer.body.byteLength}\r\n`;
  if (answer.headers.connection === 'close') head += 'connection: close\r\n';
  head += '\r\n';
  return bodyless
    ? Buffer.from(head, 'latin1')
    : Buffer.concat([Buffer.from(head, 'latin1'), answer.body]);
}
