/**
 * Issue 25.8 (CLI): a hostile server's words never act on the terminal. A raw TCP server
 * on 127.0.0.1 answers with escape sequences (ESC in bodies and metadata; C1 controls,
 * which HTTP lets through as obs-text bytes, in header values and `Location`): window
 * title, clear screen, OSC 52 clipboard writes, a bidi override. The built CLI (a child
 * process) must print them escaped, plain and `--json` alike, and the JSON must parse.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { runCli } from '../cli/cli-runner.js';
import { makeTempDir, type TempDir } from '../cli/fixtures.js';

const ESC = '\x1b';
const TITLE = `${ESC}]0;pwned-title\x07`;
const CLEAR = `${ESC}[2J${ESC}[H`;
const CLIPBOARD = `${ESC}]52;c;cm0gLXJmIH4=\x07`;
/** C1: CSI (0x9b) clears the screen, OSC (0x9d) … ST (0x9c) sets the title. */
const C1 = '\x9b2J\x9d0;c1-title\x9c';
const BIDI = '\u202eevil';

/** Any character a terminal acts on, but the line breaks the CLI writes itself. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding them is the point
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

interface RawAnswer {
  status: string;
  /** Header lines, written as latin1 bytes (so `\x9b` is the byte 0x9b). */
  headers: string[];
  body?: string;
}

function metadataValue(text: string): string {
  return Buffer.from(text, 'utf8').toString('base64');
}

/** The scripted answers, by `METHOD path-prefix`. */
function answerFor(method: string, path: string): RawAnswer {
  const tus = 'Tus-Resumable: 1.0.0';
  if (method === 'OPTIONS') {
    return {
      status: '204 No Content',
      headers: [tus, `Tus-Version: 1.0.0`, `Tus-Extension: creation,termination,x${C1}`],
    };
  }
  if (method === 'POST' && path.startsWith('/badloc/')) {
    return { status: '201 Created', headers: [tus, `Location: http://x${C1}y:99999/files/a`] };
  }
  if (method === 'POST') {
    return { status: '201 Created', headers: [tus, `Location: /files/up${C1}load`] };
  }
  if (method === 'HEAD') {
    const metadata = `filename ${metadataValue(`a${TITLE}${CLEAR}${CLIPBOARD}${BIDI}.txt`)}`;
    return {
      status: '200 OK',
      headers: [tus, 'Upload-Offset: 0', 'Upload-Length: 10', `Upload-Metadata: ${metadata}`],
    };
  }
  // PATCH, DELETE: a failure whose body and headers carry the sequences.
  return {
    status: '400 Bad Request',
    headers: [tus, 'Content-Type: text/plain', `X-Reason: bad${C1}`],
    body: `refused ${TITLE}${CLEAR}${CLIPBOARD}${BIDI}`,
  };
}

function serve(socket: Socket): void {
  let buffered = Buffer.alloc(0);
  socket.on('data', (data: Buffer) => {
    buffered = Buffer.concat([buffered, data]);
    const end = buffered.indexOf('\r\n\r\n');
    if (end < 0) return;
    const head = buffered.subarray(0, end).toString('latin1');
    const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? 0);
    if (buffered.length < end + 4 + length) return;
    const [method = 'GET', path = '/'] = head.split(' ');
    const answer = answerFor(method, path);
    const body = Buffer.from(answer.body ?? '', 'utf8');
    const lines = [
      `HTTP/1.1 ${answer.status}`,
      ...answer.headers,
      ...(method === 'HEAD' ? [] : [`Content-Length: ${body.length}`]),
      'Connection: close',
    ];
    socket.end(Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'), body]));
  });
  socket.on('error', () => {});
}

function assertInert(output: string, what: string): void {
  const found = RAW_CONTROL.exec(output);
  assert.equal(
    found,
    null,
    `${what}: a raw control character U+${found?.[0].charCodeAt(0).toString(16).padStart(4, '0')} reached the terminal:\n${JSON.stringify(output)}`,
  );
}

describe('cli: a hostile server cannot drive the terminal', { timeout: 60_000 }, () => {
  let server: Server;
  let origin = '';
  let dir: TempDir;

  before(async () => {
    server = createServer(serve);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await makeTempDir('ru-cli-esc-');
  });
  after(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await dir?.remove();
  });

  for (const json of [false, true]) {
    const flags = json ? ['--json'] : [];
    const label = json ? ' (--json)' : '';

    it(`upload: a refused PATCH's body and headers, and the Location, are escaped${label}`, async () => {
      const file = await dir.file(`a${json}.bin`, 100);
      const run = await runCli([
        'upload',
        file,
        '-e',
        `${origin}/files/`,
        '--no-store',
        '--retries',
        '0',
        '--verbose',
        ...flags,
      ]);
      assert.equal(run.code, 1, run.stderr);
      assertInert(run.stdout, 'stdout');
      assertInert(run.stderr, 'stderr');
      assert.match(run.stderr, /refused \\x1b\]0;pwned-title\\x07\\x1b\[2J/, 'the body, escaped');
      if (json) for (const line of run.stdout.trim().split('\n')) JSON.parse(line);
    });

    it(`upload: a Location that is no URL is escaped in the error${label}`, async () => {
      const file = await dir.file(`b${json}.bin`, 100);
      const run = await runCli([
        'upload',
        file,
        '-e',
        `${origin}/badloc/`,
        '--no-store',
        '--retries',
        '0',
        ...flags,
      ]);
      assert.equal(run.code, 1, run.stderr);
      assertInert(run.stdout, 'stdout');
      assertInert(run.stderr, 'stderr');
      if (json) for (const line of run.stdout.trim().split('\n')) JSON.parse(line);
    });

    it(`info: metadata with ESC sequences and a bidi override is escaped${label}`, async () => {
      const run = await runCli(['info', `${origin}/files/abc`, ...flags]);
      assert.equal(run.code, 0, run.stderr);
      assertInert(run.stdout, 'stdout');
      assertInert(run.stderr, 'stderr');
      if (json) {
        const parsed = JSON.parse(run.stdout) as { metadata: { filename: string } };
        assert.equal(parsed.metadata.filename, `a${TITLE}${CLEAR}${CLIPBOARD}${BIDI}.txt`);
      } else {
        assert.match(run.stdout, /filename=a\\x1b\]0;pwned-title\\x07.*\\u202eevil\.txt/);
      }
    });

    it(`server-info: C1 controls in Tus-Extension are escaped${label}`, async () => {
      const run = await runCli(['server-info', '-e', `${origin}/files/`, ...flags]);
      assertInert(run.stdout, 'stdout');
      assertInert(run.stderr, 'stderr');
      if (json && run.code === 0) JSON.parse(run.stdout);
      if (!json && run.code === 0) assert.match(run.stdout, /x\\x9b2J\\x9d0;c1-title\\x9c/);
    });

    it(`delete: a refused DELETE's body is escaped${label}`, async () => {
      const run = await runCli(['delete', `${origin}/files/abc`, '--verbose', ...flags]);
      assert.equal(run.code, 1, run.stderr);
      assertInert(run.stdout, 'stdout');
      assertInert(run.stderr, 'stderr');
      assert.match(run.stderr, /\\x1b\]52;c;/);
    });
  }
});
