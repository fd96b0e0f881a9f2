/** Failure handling end to end: fail-fast 4xx, retried 5xx, 409 resync, bad offsets, abort in flight. */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import {
  TusAbortError,
  TusClient,
  TusCommunicationError,
  type TusError,
  TusProtocolError,
  TusUploadFailed,
} from '../../../src/index.node.js';
import { startTamperProxy } from '../../helpers/tamper-proxy.js';
import { type StartedTusServer, startTusNodeServer } from '../../helpers/tus-node-server.js';
import { bytes, KiB, sha256, sha256File } from './fixtures.js';

type Fault = (req: IncomingMessage, res: ServerResponse, nth: number) => boolean;

describe('failures (@tus/server with injected answers)', () => {
  let server: StartedTusServer;
  let fault: Fault | undefined;
  let patchCount = 0;

  before(async () => {
    server = await startTusNodeServer({
      intercept: (req, res) => {
        if (req.method !== 'PATCH' || fault === undefined) return false;
        patchCount++;
        if (!fault(req, res, patchCount)) return false;
        req.resume();
        return true;
      },
    });
  });
  beforeEach(() => {
    fault = undefined;
    patchCount = 0;
  });
  after(() => server.close());

  function answer(
    res: ServerResponse,
    status: number,
    headers: Record<string, string> = {},
    body = '',
  ) {
    res.writeHead(status, { 'Tus-Resumable': '1.0.0', ...headers });
    res.end(body);
  }

  it('a 403 fails fast with method, URL, status, headers and body, and no secret in the message', async () => {
    fault = (_req, res) => {
      answer(res, 403, { 'Content-Type': 'text/plain', 'X-Why': 'nope' }, 'forbidden here');
      return true;
    };
    const client = new TusClient(server.endpoint, {
      headers: { Authorization: 'Bearer secret-token-123', Cookie: 'session=cookie-456' },
      retryDelay: 1,
    });
    try {
      const error = (await client
        .uploadFile({ input: bytes(100) })
        .catch((e: unknown) => e)) as TusError;
      assert.ok(error instanceof TusCommunicationError);
      assert.ok(!(error instanceof TusUploadFailed));
      assert.equal(error.status, 403);
      assert.equal(error.method, 'PATCH');
      assert.match(error.url ?? '', /\/files\/\w+$/);
      assert.equal(error.responseHeaders?.['x-why'], 'nope');
      assert.equal(error.responseBody, 'forbidden here');
      assert.match(error.message, /^PATCH http:\/\/127\.0\.0\.1:\d+\/files\/\w+: 403 Forbidden/);
      assert.equal(patchCount, 1, 'a 403 is not retried');
      const all = `${error.message} ${String(error.stack)}`;
      assert.ok(!all.includes('secret-token-123') && !all.includes('cookie-456'));
    } finally {
      await client.close();
    }
  });

  it('503 twice, then through: retried with onShouldRetry consulted, bytes intact', async () => {
    fault = (_req, res, nth) => {
      if (nth > 2) return false;
      answer(res, 503);
      return true;
    };
    const consulted: Array<[number | undefined, number]> = [];
    const client = new TusClient(server.endpoint, {
      retryDelay: 1,
      chunkSize: 4 * KiB,
      onShouldRetry: (error, attempt) => {
        consulted.push([error.status, attempt]);
        return true;
      },
    });
    try {
      const data = bytes(10 * KiB, 6);
      const uploader = client.createUploader({ input: data, maxRetries: 3 });
      const url = await uploader.upload();
      assert.deepEqual(consulted, [
        [503, 1],
        [503, 2],
      ]);
      assert.equal(uploader.stats.retries, 2);
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
    } finally {
      await client.close();
    }
  });

  it('retries used up: TusUploadFailed with the offset, the URL and the last error as cause', async () => {
    fault = (_req, res, nth) => {
      if (nth === 1) return false;
      answer(res, 500, {}, 'boom');
      return true;
    };
    const client = new TusClient(server.endpoint, {
      retryDelay: 1,
      maxRetries: 2,
      chunkSize: 1000,
    });
    try {
      const error = await client.uploadFile({ input: bytes(3000) }).catch((e: unknown) => e);
      assert.ok(error instanceof TusUploadFailed);
      assert.equal(error.code, 'TUS_ERR_UPLOAD_FAILED');
      assert.equal(error.offset, 1000);
      assert.match(error.uploadUrl ?? '', /\/files\/\w+$/);
      assert.equal(error.status, 500);
      assert.ok(error.cause instanceof TusCommunicationError);
      assert.match(error.message, /after 3 attempts.*500 Internal Server Error/);
      assert.equal(patchCount, 4, 'one success, then 1 + 2 retries');
    } finally {
      await client.close();
    }
  });

  it('onShouldRetry returning false stops at once', async () => {
    fault = (_req, res) => {
      answer(res, 502);
      return true;
    };
    const client = new TusClient(server.endpoint, {
      retryDelay: 1,
      maxRetries: 5,
      onShouldRetry: () => false,
    });
    try {
      await assert.rejects(client.uploadFile({ input: bytes(10) }), (error: unknown) => {
        assert.ok(error instanceof TusUploadFailed);
        assert.match(error.message, /refused by onShouldRetry/);
        return true;
      });
      assert.equal(patchCount, 1);
    } finally {
      await client.close();
    }
  });

  it('409: HEAD resync, then the rest from the server offset (even with maxRetries 0)', async () => {
    fault = (_req, res, nth) => {
      if (nth !== 2) return false;
      answer(res, 409);
      return true;
    };
    const methods: string[] = [];
    const client = new TusClient(server.endpoint, {
      maxRetries: 0,
      chunkSize: 1000,
      beforeRequest: (method) => {
        methods.push(method);
      },
    });
    try {
      const data = bytes(2500, 7);
      const url = await client.uploadFile({ input: data });
      assert.deepEqual(methods.slice(-5), ['PATCH', 'PATCH', 'HEAD', 'PATCH', 'PATCH']);
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
    } finally {
      await client.close();
    }
  });

  for (const [label, value] of [
    ['missing', undefined],
    ['not a number', 'abc'],
    ['negative', '-5'],
    ['past the length', '999999'],
  ] as const) {
    it(`a PATCH answer with an Upload-Offset that is ${label} is a TusProtocolError`, async () => {
      fault = (_req, res) => {
        answer(res, 204, value === undefined ? {} : { 'Upload-Offset': value });
        return true;
      };
      const client = new TusClient(server.endpoint, { maxRetries: 3, retryDelay: 1 });
      try {
        const error = await client.uploadFile({ input: bytes(100) }).catch((e: unknown) => e);
        assert.ok(error instanceof TusProtocolError, String(error));
        assert.equal(error.code, 'TUS_ERR_PROTOCOL');
        assert.match(error.message, /Upload-Offset/);
        assert.equal(patchCount, 1, 'protocol errors are not retried');
      } finally {
        await client.close();
      }
    });
  }

  it('abort while a PATCH is in flight: TusAbortError, and the upload resumes', async () => {
    let held: (() => void) | undefined;
    let seenHeld: () => void = () => {};
    const heldSeen = new Promise<void>((resolve) => {
      seenHeld = resolve;
    });
    const proxy = await startTamperProxy(server.endpoint, {
      hold: (r) => {
        if (r.method !== 'PATCH' || r.nth !== 2) return undefined;
        seenHeld();
        return new Promise<void>((resolve) => {
          held = resolve;
        });
      },
    });
    const client = new TusClient(proxy.endpoint, { chunkSize: 8 * KiB, maxRetries: 3 });
    const controller = new AbortController();
    try {
      const data = bytes(32 * KiB, 8);
      const pending = client.uploadFile({ input: data, signal: controller.signal });
      await heldSeen;
      controller.abort();
      const error = await pending.catch((e: unknown) => e);
      assert.ok(error instanceof TusAbortError, String(error));
      assert.equal(error.offset, 8 * KiB);
      assert.ok(error.uploadUrl !== undefined);
      const resumeClient = new TusClient(server.endpoint);
      const url = error.uploadUrl.replace(
        new URL(proxy.endpoint).origin,
        new URL(server.endpoint).origin,
      );
      try {
        assert.equal((await resumeClient.getUploadInfo(url)).offset, 8 * KiB);
        await resumeClient.resumeUpload({ uploadUrl: url, input: data });
      } finally {
        await resumeClient.close();
      }
      assert.equal(await sha256File(server.dataPath(url)), sha256(data));
    } finally {
      await client.close();
      await proxy.close();
      held?.(); // the proxy drops it: its client is gone
    }
  });
});
