/**
 * Every malformed answer is a typed error within the configured timeout: never a hang,
 * never an endless retry loop, never a "success" with bytes missing. The server's real
 * answers are changed on the way back by the fault proxy (@tus/server behind it).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  TusClient,
  TusCommunicationError,
  TusProtocolError,
  TusTimeoutError,
  TusUploadFailed,
} from '../../src/index.node.js';
import { type Answer, type Fault, startFaultProxy } from '../helpers/fault-proxy.js';
import { type StartedTusServer, startTusNodeServer } from '../helpers/tus-node-server.js';
import { bytes, KiB } from '../integration/client/fixtures.js';
import { assertTyped, timed } from './harness.js';

const CHUNK = 64 * KiB;
const SIZE = 3 * CHUNK;
const TIMEOUT = 5000;

const header = (name: string, value: string | undefined) => ({
  kind: 'edit' as const,
  edit: (answer: Answer): Answer => {
    const headers = { ...answer.headers };
    if (value === undefined) delete headers[name];
    else headers[name] = value;
    return { ...answer, headers };
  },
});

interface Case {
  label: string;
  on: { method: string; nth: number };
  fault: Fault;
  /** What the upload must fail with: class, code, the request it names, its status. */
  type: typeof TusProtocolError | typeof TusCommunicationError;
  code: string;
  status: number;
  message: RegExp;
}

const protocol = (
  label: string,
  method: string,
  nth: number,
  fault: Fault,
  status: number,
  message: RegExp,
): Case => ({
  label,
  on: { method, nth },
  fault,
  type: TusProtocolError,
  code: 'TUS_ERR_PROTOCOL',
  status,
  message,
});

const cases: Case[] = [
  protocol(
    'PATCH: Upload-Offset missing',
    'PATCH',
    1,
    header('upload-offset', undefined),
    204,
    /Upload-Offset header is missing/,
  ),
  protocol(
    'PATCH: Upload-Offset garbage',
    'PATCH',
    1,
    header('upload-offset', '12abc'),
    204,
    /not a non-negative integer: "12abc"/,
  ),
  protocol(
    'PATCH: Upload-Offset negative',
    'PATCH',
    1,
    header('upload-offset', '-5'),
    204,
    /not a non-negative integer: "-5"/,
  ),
  protocol(
    'PATCH: Upload-Offset beyond 2^53',
    'PATCH',
    1,
    header('upload-offset', '99999999999999999999'),
    204,
    /too large/,
  ),
  protocol(
    'PATCH: Upload-Offset going backwards',
    'PATCH',
    2,
    header('upload-offset', '0'),
    204,
    /went backwards from 65536/,
  ),
  protocol(
    'PATCH: Upload-Offset past the length',
    'PATCH',
    1,
    header('upload-offset', String(SIZE + 1)),
    204,
    /past the length/,
  ),
  protocol(
    'PATCH: Upload-Offset past the bytes sent',
    'PATCH',
    1,
    header('upload-offset', String(CHUNK + 1)),
    204,
    /past the 65536 bytes sent/,
  ),
  protocol(
    'PATCH: Upload-Offset that did not move',
    'PATCH',
    2,
    header('upload-offset', String(CHUNK)),
    204,
    /did not move/,
  ),
  protocol(
    'POST: 201 without Location',
    'POST',
    1,
    header('location', undefined),
    201,
    /Location header is missing/,
  ),
  protocol(
    'POST: Location with an ftp: scheme',
    'POST',
    1,
    header('location', 'ftp://127.0.0.1/files/x'),
    201,
    /http\(s\) URL, got "ftp:"/,
  ),
  protocol(
    'POST: Location with a javascript: scheme',
    'POST',
    1,
    header('location', 'javascript:alert(1)'),
    201,
    /http\(s\) URL/,
  ),
  protocol(
    'PATCH: an answer in another tus version',
    'PATCH',
    1,
    header('tus-resumable', '2.0.0'),
    204,
    /speaks tus 2\.0\.0/,
  ),
  {
    label: 'POST: 412, the server does not speak tus 1.0.0',
    on: { method: 'POST', nth: 1 },
    fault: {
      kind: 'status',
      status: 412,
      headers: { 'Tus-Version': '2.0.0', 'Tus-Resumable': '2.0.0' },
    },
    type: TusCommunicationError,
    code: 'TUS_ERR_COMMUNICATION',
    status: 412,
    message: /412 Precondition Failed.*speaks tus 2\.0\.0.*this client 1\.0\.0/,
  },
  {
    label: 'PATCH: an early 413 before the body is read (as nginx does)',
    on: { method: 'PATCH', nth: 1 },
    fault: { kind: 'early-status', status: 413, body: 'client_max_body_size' },
    type: TusCommunicationError,
    code: 'TUS_ERR_COMMUNICATION',
    status: 413,
    message: /413 Request Entity Too Large \(client_max_body_size\)/,
  },
  {
    label: 'POST: 200 instead of 201',
    on: { method: 'POST', nth: 1 },
    fault: { kind: 'status', status: 200 },
    type: TusCommunicationError,
    code: 'TUS_ERR_COMMUNICATION',
    status: 200,
    message: /POST .*: 200/,
  },
  {
    label: 'PATCH: a 403 with a 1 MiB body (kept short)',
    on: { method: 'PATCH', nth: 1 },
    fault: { kind: 'status', status: 403, body: 'x'.repeat(1024 * KiB) },
    type: TusCommunicationError,
    code: 'TUS_ERR_COMMUNICATION',
    status: 403,
    message: /403 Forbidden \(x{200}…\)$/,
  },
];

describe('malformed answers are typed errors within the timeout', () => {
  let server: StartedTusServer;
  before(async () => {
    server = await startTusNodeServer();
  });
  after(() => server.close());

  for (const c of cases) {
    it(c.label, { timeout: 20_000 }, async () => {
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) => (req.method === c.on.method && req.nth === c.on.nth ? c.fault : undefined),
      });
      const client = new TusClient(proxy.endpoint, {
        chunkSize: CHUNK,
        maxRetries: 3,
        retryDelay: 1,
        timeout: TIMEOUT,
      });
      try {
        const { error, ms } = await timed(() => client.uploadFile({ input: bytes(SIZE) }));
        const typed = assertTyped(error, c.type, {
          code: c.code,
          method: c.on.method,
          status: c.status,
        });
        assert.match(typed.message, c.message);
        assert.ok(ms < TIMEOUT, `took ${ms} ms`);
        const sameKind = proxy.requests.filter((r) => r.method === c.on.method);
        assert.equal(sameKind.length, c.on.nth, 'not retried');
      } finally {
        await client.close();
        await proxy.close();
      }
    });
  }

  it('HEAD on resume: a garbage Upload-Offset or one past the length', {
    timeout: 20_000,
  }, async () => {
    const data = bytes(SIZE, 5);
    const direct = new TusClient(server.endpoint, { chunkSize: CHUNK });
    const url = await direct.uploadFile({ input: data, stopAt: CHUNK });
    await direct.close();
    for (const [value, message] of [
      ['soon', /Upload-Offset is not a non-negative integer: "soon"/],
      [String(SIZE + 10), /Upload-Offset 196618 is past the length 196608/],
    ] as const) {
      const proxy = await startFaultProxy(server.endpoint, {
        decide: (req) => (req.method === 'HEAD' ? header('upload-offset', value) : undefined),
      });
      const client = new TusClient(proxy.endpoint, { retryDelay: 1, timeout: TIMEOUT });
      try {
        const uploadUrl = url.replace(
          new URL(server.endpoint).origin,
          new URL(proxy.endpoint).origin,
        );
        const { error, ms } = await timed(() => client.resumeUpload({ uploadUrl, input: data }));
        const typed = assertTyped(error, TusProtocolError, {
          code: 'TUS_ERR_PROTOCOL',
          method: 'HEAD',
          status: 200,
        });
        assert.match(typed.message, message);
        assert.ok(ms < TIMEOUT, `took ${ms} ms`);
        assert.equal(proxy.requests.filter((r) => r.method === 'PATCH').length, 0);
      } finally {
        await client.close();
        await proxy.close();
      }
    }
  });

  it('a creation answer that trickles on forever: a timeout per attempt, then TusUploadFailed', {
    timeout: 20_000,
  }, async () => {
    const timeout = 1500;
    const maxRetries = 1;
    const proxy = await startFaultProxy(server.endpoint, {
      decide: (req) =>
        req.method === 'POST' ? { kind: 'endless-body', pieceBytes: 8, everyMs: 10 } : undefined,
    });
    const client = new TusClient(proxy.endpoint, {
      maxRetries,
      retryDelay: 1,
      timeout,
    });
    try {
      const { error, ms } = await timed(() => client.uploadFile({ input: bytes(1000) }));
      const typed = assertTyped(error, TusUploadFailed, {
        code: 'TUS_ERR_UPLOAD_FAILED',
        method: 'POST',
      });
      assert.ok(typed.cause instanceof TusTimeoutError, String(typed.cause));
      assert.equal(
        (typed.cause as TusTimeoutError).code,
        'TUS_ERR_TIMEOUT',
        'bytes moved: not a stall',
      );
      assert.equal(proxy.requests.filter((r) => r.method === 'POST').length, maxRetries + 1);
      // Each attempt ends at its timeout; the whole is bounded by the attempts (plus slack).
      assert.ok(ms < (maxRetries + 1) * timeout + 3000, `took ${ms} ms`);
    } finally {
      await client.close();
      await proxy.close();
    }
  });
});
