import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CliIo } from '../../../src/cli/cli-io.js';
import { runCli } from '../../../src/cli/program.js';

function fakeIo(): CliIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text), isTTY: false },
    stderr: { write: (text: string) => (err += text), isTTY: false },
    onInterrupt: () => () => {},
    out: () => out,
    err: () => err,
  };
}

const endpoint = 'http://127.0.0.1:9/files/';

describe('runCli: bad flag values are one line naming the flag, exit 2', () => {
  const cases: Array<[string, string[], RegExp]> = [
    ['--chunk-size', ['upload', 'f', '-e', endpoint, '--chunk-size', '8XB'], /--chunk-size/],
    ['--chunk-size 0', ['upload', 'f', '-e', endpoint, '--chunk-size', '0'], /--chunk-size/],
    ['--timeout', ['upload', 'f', '-e', endpoint, '--timeout', 'soon'], /--timeout/],
    ['--retries', ['upload', 'f', '-e', endpoint, '--retries', '-1'], /--retries/],
    ['--retry-delay', ['upload', 'f', '-e', endpoint, '--retry-delay', 'x'], /--retry-delay/],
    ['--checksum', ['upload', 'f', '-e', endpoint, '--checksum', 'crc32'], /--checksum/],
    ['--header', ['upload', 'f', '-e', endpoint, '--header', 'nocolon'], /--header/],
    ['--metadata', ['upload', 'f', '-e', endpoint, '--metadata', 'novalue'], /--metadata/],
    ['--concurrency', ['upload', 'f', '-e', endpoint, '--concurrency', '0'], /--concurrency/],
    ['--parallel', ['upload', 'f', '-e', endpoint, '--parallel', 'two'], /--parallel/],
    ['--limit-rate', ['upload', 'f', '-e', endpoint, '--limit-rate', 'fast'], /--limit-rate/],
    ['--size', ['upload', '-', '-e', endpoint, '--size', 'big'], /--size/],
    ['--endpoint', ['upload', 'f', '--endpoint', 'ftp://x/'], /--endpoint/],
    ['missing --endpoint', ['upload', 'f'], /--endpoint/],
    ['resume --url', ['resume', 'f', '--url', 'nope'], /--url/],
    ['info url', ['info', 'nope'], /url/],
    ['serve --port', ['serve', '--port', '70000'], /--port/],
    ['unknown flag', ['upload', 'f', '-e', endpoint, '--chunksize', '1'], /--chunksize/],
    ['unknown command', ['uplaod'], /uplaod/],
  ];
  for (const [name, argv, flag] of cases) {
    it(name, async () => {
      const io = fakeIo();
      const code = await runCli(argv, io);
      assert.equal(code, 2);
      assert.match(io.err(), flag);
      assert.equal(io.err().trim().split('\n').length, 1, `one line, got: ${io.err()}`);
      assert.equal(io.out(), '');
    });
  }
  it('never echoes a credential given to --header', async () => {
    const io = fakeIo();
    const code = await runCli(
      ['upload', 'f', '-e', endpoint, '--header', 'Authorization Bearer s3cret'],
      io,
    );
    assert.equal(code, 2);
    assert.match(io.err(), /--header/);
    assert.ok(!io.err().includes('s3cret'), io.err());
  });
});

describe('runCli: help and version', () => {
  it('--version prints the version, exit 0', async () => {
    const io = fakeIo();
    assert.equal(await runCli(['--version'], io), 0);
    assert.match(io.out(), /^\d+\.\d+\.\d+/);
  });
  it('upload --help lists the flags, exit 0', async () => {
    const io = fakeIo();
    assert.equal(await runCli(['upload', '--help'], io), 0);
    for (const flag of ['--chunk-size', '--checksum', '--header', '--metadata', '--json']) {
      assert.ok(io.out().includes(flag), flag);
    }
  });
});

describe('runCli: did you mean, --json usage errors', () => {
  it('a mistyped option suggests the right one, on one line', async () => {
    const io = fakeIo();
    assert.equal(await runCli(['upload', 'f', '-e', endpoint, '--chunksize', '1'], io), 2);
    assert.match(io.err(), /unknown option '--chunksize' \(Did you mean --chunk-size\?\)/);
  });
  it('with --json a usage error is also an object on stdout', async () => {
    const io = fakeIo();
    assert.equal(await runCli(['info', 'nope', '--json'], io), 2);
    const parsed = JSON.parse(io.out()) as { ok: boolean; error: { code: string } };
    assert.equal(parsed.ok, false);
    assert.equal(parsed.error.code, 'USAGE');
  });
  it('--size without - is a usage error', async () => {
    const io = fakeIo();
    assert.equal(
      await runCli(['upload', 'f', '-e', endpoint, '--size', '10', '--no-store'], io),
      2,
    );
    assert.match(io.err(), /--size/);
  });
});
