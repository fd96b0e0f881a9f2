/**
 * docs/cli.md: every `resumable-upload …` example runs and exits 0 (through bash, against
 * our server), every command has one, and every flag of every command (`serve`'s are
 * the server's: docs/server.md) is used by at least one of them. Two uploads are killed
 * half-way first, so that `resume FILE` (from the store) and `forget FILE` have something.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { spawnCli } from './cli-runner.js';
import { ExampleRunner, helpFlags, readDoc, shExamples } from './doc-examples.js';
import { useGatedServer } from './gated-suite.js';

const COMMANDS = ['upload', 'resume', 'list', 'forget', 'info', 'delete', 'server-info', 'serve'];

describe('docs/cli.md examples (through bash, our server)', () => {
  const suite = useGatedServer();
  let examples: string[];
  before(async () => {
    examples = shExamples(await readDoc('docs/cli.md'));
  });

  it('every command has an example; every flag is named and used in one', async () => {
    const text = await readDoc('docs/cli.md');
    const commandOf = (line: string) => line.split('resumable-upload ')[1]?.split(' ')[0];
    for (const command of COMMANDS) {
      assert.ok(
        examples.some((line) => commandOf(line) === command),
        `an example of ${command}`,
      );
      if (command === 'serve') continue;
      for (const flag of await helpFlags(command)) {
        assert.ok(
          text.includes(`\`${flag.long}`) || text.includes(`${flag.long} `),
          `docs/cli.md names ${command} ${flag.long}`,
        );
        const used = examples.some((line) => {
          const words = line.split(/\s+/);
          return (
            words.includes(flag.long) || (flag.short !== undefined && words.includes(flag.short))
          );
        });
        assert.ok(used, `an example of docs/cli.md uses ${flag.long} (${command})`);
      }
    }
  });

  it('every example runs and exits 0', { timeout: 240_000 }, async () => {
    const { server, proxy, dir } = suite;
    const cwd = join(dir.path, 'docs');
    const store = join(cwd, 'store', 'upload-urls.json');
    const runner = new ExampleRunner(server.endpoint, cwd, store);
    await mkdir(cwd, { recursive: true });
    for (const name of ['big.iso', 'old.iso']) {
      proxy.holdPatchesAfter(2);
      const child = spawnCli(
        [
          'upload',
          await runner.file(name),
          '-e',
          proxy.endpointFor(server.endpoint),
          '--chunk-size',
          '64KiB',
        ],
        {
          env: { RESUMABLE_UPLOAD_STORE_FILE: store },
        },
      );
      await proxy.held();
      child.child.kill('SIGKILL');
      await child.done;
      proxy.open();
    }
    for (const line of examples) {
      const run = await runner.run(line);
      assert.equal(run.code, 0, `${line}\n${run.stderr}\n${run.stdout}`);
      if (line.startsWith('resumable-upload resume big.iso') && !line.includes('--url')) {
        assert.match(
          run.stderr,
          /big\.iso: resuming from byte 131072/,
          'the stored upload was resumed',
        );
      }
      if (line.includes(' --json')) {
        for (const out of run.stdout.trim().split('\n').filter(Boolean)) {
          assert.equal((JSON.parse(out) as { ok: boolean }).ok, true, `${line}: ${out}`);
        }
      }
    }
  });
});
