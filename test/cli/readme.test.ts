/**
 * Runs every `resumable-upload …` example of the README's "Command-line tool" section
 * against our server (through bash, as pasted; see doc-examples.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startOurServer } from '../helpers/our-server.js';
import { ExampleRunner, readDoc, shExamples } from './doc-examples.js';
import { makeTempDir, type TempDir } from './fixtures.js';

type OurServer = Awaited<ReturnType<typeof startOurServer>>;

async function readmeExamples(): Promise<string[]> {
  const readme = await readDoc('README.md');
  const start = readme.indexOf('## Command-line tool');
  assert.ok(start >= 0, 'README has a "## Command-line tool" section');
  const end = readme.indexOf('\n## ', start + 5);
  return shExamples(readme.slice(start, end < 0 ? undefined : end));
}

describe('README command-line examples (through bash, our server)', () => {
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
    const documented = new Set(
      commands.map((line) => line.split('resumable-upload ')[1]?.split(' ')[0]),
    );
    for (const command of ['upload', 'resume', 'list', 'info', 'delete', 'server-info', 'serve']) {
      assert.ok(documented.has(command), `README shows \`resumable-upload ${command}\``);
    }
  });

  it('every example runs and exits 0', { timeout: 180_000 }, async () => {
    const runner = new ExampleRunner(server.endpoint, dir.path, join(dir.path, 'store.json'));
    for (const line of commands) {
      const run = await runner.run(line);
      assert.equal(run.code, 0, `${line}\n${run.stderr}`);
    }
  });
});
