/** Bundles bench workers (bench/workers/NAME.ts) into `outdir` as NAME.mjs: no loader in them. */
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const workersSrc = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'workers');

export async function buildWorkers(names: readonly string[], outdir: string): Promise<string> {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: names.map((name) => join(workersSrc, `${name}.ts`)),
    outdir,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outExtension: { '.js': '.mjs' },
    logLevel: 'warning',
  });
  return outdir;
}
