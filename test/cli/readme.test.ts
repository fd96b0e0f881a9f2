/**
 * Runs every `resumable-upload …` example of the README's "Command-line tool" section
 * against our server: the endpoint, the file names and UPLOAD_ID are replaced by real ones.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOurServer } from '../helpers/our-server.js';
import { ROOT, runCli, spawnCli } from './cli-runner.js';
import { makeTempDir, sha256File, type TempDir } from './fixtures.js';

type OurServer = Awaited<ReturnType<typeof startOurServer>>;

/** Splits a command line the way a POSIX shell would for these examples (quotes, no globs). */
function shellWords(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"([^"]*)"|(\S+)/g)) {
    words.push(match[1] ?? match[2] ?? match[3] ?? '');
  }
  return words;
}

async function readmeExamples(): Promise<string[]> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Command-line tool');
  assert.ok(start >= 0, 'README has a "## Command-line tool" section');
  const end = readme.indexOf('\n## ', start + 5);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const commands: string[] = [];
  for (const block of section.matchAll(/```sh\n([\s\S]*?)```/g)) {
    for (const line of (block[1] ?? '').split('\n')) {
      if (line.startsWith('resumable-upload ')) commands.push(line.trim());
    }
  }
  return commands;
}

describe('README command-line examples (child process, our server)', () => {
  let server: OurServer;
  let dir: TempDir;
  let commands: string[];

  before(async () => {
    server = await startOurServer();
    dir = await makeTempDir();
    commands = await readmeExamples();
  });
  after(async () => {
    await server.close();
    await dir.remove();
  });

  it('documents every command', () => {
    const documented = new Set(commands.map((line) => shellWords(line)[1]));
    for (const command of ['upload', 'resume', 'info', 'delete', 'server-info', 'serve']) {
      assert.ok(documented.has(command), `README shows \`resumable-upload ${command}\``);
    }
  });

  it('every example runs and exits 0', { timeout: 180_000 }, async () => {
    const base = 'http://localhost:1080/files/';
    const endpoint = server.endpoint.endsWith('/') ? server.endpoint : `${server.endpoint}/`;
    let lastUrl: string | undefined;
    const files = new Map<string, string>();
    for (const line of commands) {
      const words = shellWords(line).slice(1);
      const command = words[0];
      if (command === 'serve') {
        const args = words.map((word, i) => {
          if (words[i - 1] === '--port') return '0';
          if (words[i - 1] === '--dir') return join(dir.path, 'served');
          return word;
        });
        const child = spawnCli(args);
        const [, listening] = await child.waitFor(/listening on (\S+)/, 'stdout');
        assert.ok(listening);
        const info = await runCli(['server-info', '-e', listening]);
        assert.equal(info.code, 0, info.stderr);
        child.child.kill('SIGINT');
        const run = await child.done;
        assert.equal(run.code, 0, `${line}\n${run.stderr}`);
        continue;
      }
      const args: string[] = [];
      for (const word of words) {
        if (word.startsWith(`${base}UPLOAD_ID`)) {
          assert.ok(lastUrl, `${line}: an upload ran before`);
          args.push(lastUrl);
        } else if (word.startsWith(base)) {
          args.push(endpoint + word.slice(base.length));
        } else if (/^[\w-]+\.(mp4|jpg|iso)$/.test(word)) {
          let path = files.get(word);
          if (path === undefined) {
            path = await dir.file(word, word.endsWith('.iso') ? 3 * 1024 * 1024 + 5 : 40_000);
            files.set(word, path);
          }
          args.push(path);
        } else {
          args.push(word);
        }
      }
      // The examples use the defaults; keep the tests' URL storage in the temp folder.
      const run = await runCli(args, { env: { HOME: dir.path, XDG_CONFIG_HOME: dir.path } });
      assert.equal(run.code, 0, `${line}\n${run.stderr}`);
      if (command === 'upload') {
        const urls = run.stdout.match(/http:\/\/[^\s"]+/g) ?? [];
        assert.ok(urls.length > 0, `${line} printed URLs`);
        lastUrl = urls.at(-1);
        if (args.includes('--json')) {
          for (const out of run.stdout.trim().split('\n')) {
            const result = JSON.parse(out) as { ok: boolean; file: string; url: string };
            assert.equal(result.ok, true);
            assert.equal(
              await sha256File(server.dataPath(result.url)),
              await sha256File(result.file),
            );
          }
        }
      }
    }
  });
});
