/**
 * The client's draft module (src/upload/protocols/ietf-draft.ts) against a scripted
 * requester, and the `protocol` option: the cases a real server does not easily produce
 * (a 104 of another interop version, a Location that changes, an answer without
 * Upload-Offset, a 400 that is or is not a digest refusal).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  TusChecksumMismatchError,
  TusCommunicationError,
  TusProtocolError,
} from '../../../src/errors/index.js';
import { validateClientOptions } from '../../../src/options.js';
import type { HttpResponse } from '../../../src/transport/http-transport.js';
import type { PreparedChunk } from '../../../src/upload/chunk-pipeline.js';
import { ietfDraft } from '../../../src/upload/protocols/ietf-draft.js';
import { protocolFor } from '../../../src/upload/protocols/protocol-for.js';
import type {
  ProtocolRequester,
  ProtocolSendInit,
} from '../../../src/upload/protocols/upload-protocol.js';

interface Sent {
  method: string;
  url: string;
  init: ProtocolSendInit;
}

/** Answers each request with the next scripted answer, after its scripted interim ones. */
function scripted(
  answers: Array<{ interim?: Array<[number, Record<string, string>]>; response: HttpResponse }>,
): ProtocolRequester & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    options: { overridePatchMethod: false },
    async send(method, url, init = {}) {
      sent.push({ method, url, init });
      const next = answers.shift();
      if (next === undefined) throw new Error(`no answer scripted for ${method} ${url}`);
      for (const [status, headers] of next.interim ?? []) init.onInterimResponse?.(status, headers);
      return next.response;
    },
  };
}

/** An answer; its request spent `CONNECT_MS` connecting (handed on for the sizing clock). */
const CONNECT_MS = 2;
const ok = (status: number, headers: Record<string, string> = {}, body = ''): HttpResponse => ({
  status,
  headers,
  body,
  connectMs: CONNECT_MS,
});
const chunk = (length: number, digest?: string): PreparedChunk => ({
  start: 0,
  length,
  body: new Uint8Array(length),
  digest,
});
const endpoint = 'http://h/files';

describe('the protocol option', () => {
  it('defaults to tus-v1, takes the draft values and auto, refuses anything else naming them', () => {
    assert.equal(validateClientOptions({}).protocol, 'tus-v1');
    const values = [
      'tus-v1',
      'ietf-draft-03',
      'ietf-draft-05',
      'ietf-draft-11',
      'ietf-draft-12',
      'auto',
    ] as const;
    for (const value of values) {
      assert.equal(validateClientOptions({ protocol: value }).protocol, value);
    }
    for (const bad of ['ietf-draft-04', 'ietf-draft-09', 'Auto', 'tus', 8, null, 'toString']) {
      assert.throws(
        () => validateClientOptions({ protocol: bad as never }),
        (error: unknown) =>
          error instanceof TypeError && /^protocol must be one of/.test(error.message),
        String(bad),
      );
    }
  });

  it('picks the module by value, the creation strategy by what the transport shows', () => {
    const node = {
      request: async () => ok(200),
      close: async () => {},
      showsInterimResponses: true,
    };
    const browser = { request: async () => ok(200), close: async () => {} };
    assert.equal(protocolFor('tus-v1', node).name, 'tus-v1');
    const inNode = protocolFor('ietf-draft-12', node);
    assert.equal(inNode.name, 'ietf-draft-12');
    assert.deepEqual(inNode.headers, { 'Upload-Draft-Interop-Version': '9' });
    assert.deepEqual(protocolFor('ietf-draft-11', node).headers, {
      'Upload-Draft-Interop-Version': '8',
    });
    assert.equal(inNode.requires('creation-with-upload'), true);
    assert.equal(protocolFor('ietf-draft-12', browser).requires('creation-with-upload'), false);
    assert.equal(inNode.requires('concatenation'), false);
    assert.equal(inNode.requires('deferred-length'), true);
  });
});

describe('the draft module', () => {
  // Interop 8 (-11); what 9 adds is tested in test/integration/ietf/interop-9.test.ts.
  const draft = ietfDraft('ietf-draft-11', { interim: true });

  it('hands on the 104 Location of its own interop version only, resolved', async () => {
    const seen: string[] = [];
    const requester = scripted([
      {
        interim: [
          [104, { 'upload-draft-interop-version': '6', location: '/files/other' }],
          [100, {}],
          [104, { 'upload-draft-interop-version': '8', location: '/files/abc' }],
        ],
        response: ok(201, {
          location: '/files/abc',
          'upload-complete': '?0',
          'upload-offset': '3',
        }),
      },
    ]);
    const created = await draft.create(requester, {
      endpoint,
      length: 10,
      body: chunk(3),
      onLocation: (url) => seen.push(url),
    });
    assert.deepEqual(seen, ['http://h/files/abc']);
    assert.deepEqual(created, {
      url: 'http://h/files/abc',
      offset: 3,
      complete: false,
      limits: undefined,
      connectMs: CONNECT_MS,
    });
    assert.equal(requester.sent[0]?.init.headers?.['Upload-Complete'], '?0');
  });

  it('a final Location other than the 104’s is a TusProtocolError', async () => {
    const requester = scripted([
      {
        interim: [[104, { 'upload-draft-interop-version': '8', location: '/files/abc' }]],
        response: ok(201, { location: '/files/xyz' }),
      },
    ]);
    await assert.rejects(
      draft.create(requester, { endpoint, length: 5 }),
      (error: unknown) => error instanceof TusProtocolError && /not the 104's/.test(error.message),
    );
  });

  it('the whole input in the creation says ?1; its limits are read from the answer', async () => {
    const requester = scripted([
      {
        response: ok(201, {
          location: '/files/abc',
          'upload-complete': '?1',
          'upload-limit': 'max-append-size=1000, min-append-size=10',
        }),
      },
    ]);
    const created = await draft.create(requester, {
      endpoint,
      length: 4,
      body: chunk(4, 'AAAA'),
      algorithm: 'sha256',
      metadataHeader: `filename ${btoa('a.txt')},filetype ${btoa('text/plain')}`,
    });
    assert.deepEqual(created, {
      url: 'http://h/files/abc',
      offset: 4,
      complete: true,
      limits: { maxAppendSize: 1000, minAppendSize: 10 },
      connectMs: CONNECT_MS,
    });
    assert.deepEqual(requester.sent[0]?.init.headers, {
      'Upload-Draft-Interop-Version': '8',
      'Upload-Complete': '?1',
      'Upload-Length': '4',
      'Content-Disposition': 'inline; filename="a.txt"',
      'Content-Type': 'text/plain',
      'Content-Digest': 'sha-256=:AAAA:',
      'Upload-Metadata': `filename ${btoa('a.txt')},filetype ${btoa('text/plain')}`,
    });
  });

  it('an append answered without Upload-Offset took its whole body (interop 7 and 8)', async () => {
    const requester = scripted([{ response: ok(204, { 'upload-complete': '?0' }) }]);
    const result = await draft.append(requester, {
      url: `${endpoint}/a`,
      offset: 10,
      chunk: chunk(5),
    });
    assert.deepEqual(result, { status: 204, offset: 15, connectMs: CONNECT_MS });
    assert.equal(requester.sent[0]?.init.headers?.['Upload-Complete'], '?0');
  });

  it('a 104 with Upload-Offset during an append confirms progress: its version, within the chunk, growing', async () => {
    const v = (version: string, offset: string) => ({
      'upload-draft-interop-version': version,
      'upload-offset': offset,
    });
    const requester = scripted([
      {
        interim: [
          [100, {}],
          [104, v('8', '12')],
          [104, v('9', '13')], // another version: ignored
          [104, v('8', '11')], // going back: ignored
          [104, v('8', 'x')], // malformed: ignored
          [104, v('8', '16')], // past the chunk: ignored
          [104, v('8', '14')],
        ],
        response: ok(204, { 'upload-complete': '?0' }),
      },
    ]);
    const confirmed: number[] = [];
    const result = await draft.append(requester, {
      url: `${endpoint}/a`,
      offset: 10,
      chunk: chunk(5),
      onConfirmedOffset: (offset) => confirmed.push(offset),
    });
    assert.deepEqual(confirmed, [12, 14]);
    assert.equal(result.offset, 15);
  });

  it('the append that declares the length completes (?1)', async () => {
    const requester = scripted([{ response: ok(200, { 'upload-offset': '15' }) }]);
    await draft.append(requester, {
      url: `${endpoint}/a`,
      offset: 10,
      chunk: chunk(5),
      declareLength: 15,
    });
    assert.equal(requester.sent[0]?.init.headers?.['Upload-Complete'], '?1');
    assert.equal(requester.sent[0]?.init.headers?.['Upload-Length'], '15');
  });

  it('a 400 with the offset unchanged after a digest is a retryable mismatch; others are not', async () => {
    const refused = ok(400, { 'upload-offset': '10', 'content-type': 'text/plain' }, 'digest');
    await assert.rejects(
      draft.append(scripted([{ response: refused }]), {
        url: `${endpoint}/a`,
        offset: 10,
        chunk: chunk(5, 'AAAA'),
        algorithm: 'sha1',
      }),
      TusChecksumMismatchError,
    );
    const problem = ok(
      400,
      { 'upload-offset': '10', 'content-type': 'application/problem+json' },
      '{"type":"https://iana.org/assignments/http-problem-types#inconsistent-upload-length"}',
    );
    for (const [response, withDigest] of [
      [problem, true],
      [refused, false],
    ] as const) {
      await assert.rejects(
        draft.append(scripted([{ response }]), {
          url: `${endpoint}/a`,
          offset: 10,
          chunk: chunk(5, withDigest ? 'AAAA' : undefined),
          algorithm: withDigest ? 'sha1' : undefined,
        }),
        (error: unknown) =>
          error instanceof TusCommunicationError &&
          !(error instanceof TusChecksumMismatchError) &&
          error.status === 400,
      );
    }
  });

  it('offset retrieval: a complete upload’s length is its offset; an incomplete one awaits ?1', async () => {
    const v5 = ietfDraft('ietf-draft-03', { interim: true });
    const complete = await v5.offset(
      scripted([{ response: ok(204, { 'upload-offset': '7', 'upload-complete': '?1' }) }]),
      `${endpoint}/a`,
    );
    assert.deepEqual(complete, {
      status: 204,
      offset: 7,
      length: 7,
      complete: true,
      limits: undefined,
      connectMs: CONNECT_MS,
    });
    const open = await draft.offset(
      scripted([
        {
          response: ok(204, {
            'upload-offset': '7',
            'upload-complete': '?0',
            'upload-length': '9',
            'upload-limit': 'max-append-size=4',
          }),
        },
      ]),
      `${endpoint}/a`,
    );
    assert.deepEqual(open, {
      status: 204,
      offset: 7,
      length: 9,
      complete: false,
      limits: { maxAppendSize: 4, minAppendSize: undefined },
      connectMs: CONNECT_MS,
    });
  });
});
