#!/usr/bin/env node
// Builds the API docs' model in memory (typedoc with typedoc.json, whose warnings are
// errors; no files written) and checks what a reader meets first: one module per import path, named as it is
// imported (`resumable-upload`, `resumable-upload/server`, `resumable-upload/tus-js-client`,
// the browser builds of the first and last beside them), the README as the home page, and
// every export of `resumable-upload/server` (TusServer first) documented.
// Usage: node scripts/check-api-docs.mjs   (`npm run docs` writes the HTML to docs/api/)
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');

export const MODULES = [
  'resumable-upload',
  'resumable-upload (browser)',
  'resumable-upload/server',
  'resumable-upload/tus-js-client',
  'resumable-upload/tus-js-client (browser)',
];

/** Every problem found in typedoc's JSON model `project`, as sentences. */
export function apiDocProblems(project) {
  const problems = [];
  const names = (project.children ?? []).map((module) => module.name);
  if (JSON.stringify([...names].sort()) !== JSON.stringify([...MODULES].sort())) {
    problems.push(`modules are ${names.join(', ')}; expected ${MODULES.join(', ')}`);
  }
  if (!Array.isArray(project.readme) || project.readme.length === 0) {
    problems.push('no home page: typedoc.json should name README.md as "readme"');
  }
  const server = (project.children ?? []).find((module) => module.name === MODULES[2]);
  for (const item of server?.children ?? []) {
    if (item.variant === 'reference') continue;
    const documented = item.comment ?? item.signatures?.[0]?.comment;
    if (documented === undefined) problems.push(`${MODULES[2]}: ${item.name} has no doc comment`);
  }
  return problems;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === resolve(import.meta.filename)) {
  const { Application, TSConfigReader, TypeDocReader } = await import('typedoc');
  process.chdir(root);
  const app = await Application.bootstrapWithPlugins({}, [
    new TypeDocReader(),
    new TSConfigReader(),
  ]);
  const project = await app.convert();
  if (project !== undefined) app.validate(project);
  const problems =
    project === undefined || app.logger.hasErrors() || app.logger.hasWarnings()
      ? ['typedoc reported the problems above (typedoc.json treats warnings as errors)']
      : apiDocProblems(app.serializer.projectToObject(project, root));
  for (const problem of problems) console.error(`check-api-docs: ${problem}`);
  if (problems.length === 0) console.log(`check-api-docs: ${MODULES.join(', ')} documented`);
  process.exitCode = problems.length === 0 ? 0 : 1;
}
