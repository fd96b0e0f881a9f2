/** Child of bad-input.test.ts: uploads argv[3] to argv[2] and prints the error as JSON. */
import { TusClient, TusError } from '../../src/index.node.js';

const [endpoint, path] = process.argv.slice(2);
const client = new TusClient(endpoint ?? '');
try {
  await client.uploadFile({ filePath: path ?? '' });
  process.stdout.write(JSON.stringify({ name: 'none', code: 'none', message: 'uploaded' }));
} catch (error) {
  const e = error as TusError;
  process.stdout.write(
    JSON.stringify({
      name: e.name,
      code: e instanceof TusError ? e.code : 'none',
      message: e.message,
    }),
  );
} finally {
  await client.close();
}
