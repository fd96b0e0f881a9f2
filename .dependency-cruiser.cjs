/**
 * The layers of docs/architecture.md, enforced: `npm test` runs `npm run lint:layers`, which
 * fails on an import against this table. Each rule names a folder and what it may not import;
 * type-only imports count as imports, except where a rule says so.
 */
const LEAVES = '^src/(show|abort)\\.ts$';

/** A rule: modules under `from` may import only what matches one of `allowed` (within src/). */
function layer(name, from, allowed, extra = {}) {
  return {
    name: `layer-${name}`,
    comment: `${from} may import only ${allowed.join(', ')} (docs/architecture.md)`,
    severity: 'error',
    from: { path: from },
    to: { path: '^src/', pathNot: [from, LEAVES, ...allowed], ...extra },
  };
}

const CORE = ['^src/errors/', '^src/types\\.ts$'];
const LOWER = [
  ...CORE,
  '^src/protocol/',
  '^src/sources/',
  '^src/transport/',
  '^src/checksum/',
  '^src/storage/',
  '^src/fingerprint/',
];

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'No import cycles, type-only ones included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    layer('leaves', LEAVES, ['^src/errors/']),
    layer('errors', '^src/errors/', []),
    layer('types', '^src/types\\.ts$', ['^src/errors/']),
    layer('protocol', '^src/protocol/', CORE),
    layer('checksum', '^src/checksum/', CORE),
    layer('sources', '^src/sources/', [...CORE, '^src/protocol/']),
    layer('transport', '^src/transport/', [...CORE, '^src/protocol/']),
    layer('storage', '^src/storage/', CORE),
    layer('fingerprint', '^src/fingerprint/', [...CORE, '^src/checksum/']),
    layer('upload', '^src/upload/', [...LOWER, '^src/(options|platform)\\.ts$']),
    {
      name: 'layer-upload-client-types',
      comment: 'src/upload/ reads the resolved options and the platform contract as types only.',
      severity: 'error',
      from: { path: '^src/upload/' },
      to: { path: '^src/(options|platform)\\.ts$', dependencyTypesNot: ['type-only'] },
    },
    layer('server', '^src/server/', ['^src/errors/', '^src/types\\.ts$', '^src/protocol/']),
    layer('compat', '^src/compat/', [
      ...CORE,
      '^src/protocol/',
      '^src/storage/',
      '^src/client-api\\.ts$',
      '^src/options\\.ts$',
      '^src/option-checks\\.ts$',
    ]),
    layer('cli', '^src/cli/', [
      '^src/index\\.node\\.ts$',
      '^src/server/index\\.ts$',
      '^src/storage/private-file\\.node\\.ts$',
    ]),
    {
      name: 'core-not-above',
      comment: 'Nothing but the CLI and the entry points imports cli/, compat/ or server/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(cli|compat|server)/|^src/index\\.' },
      to: { path: '^src/(cli|compat|server)/' },
    },
    {
      name: 'platform-code-in-platform-files',
      comment: 'node: modules only in *.node.ts files, src/server/ and src/cli/.',
      severity: 'error',
      from: { path: '^src/', pathNot: '\\.node\\.ts$|^src/(server|cli)/' },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'browser-not-in-node',
      comment: 'A Node file never imports a browser file, nor the other way round.',
      severity: 'error',
      from: { path: '\\.node\\.ts$' },
      to: { path: '\\.browser\\.ts$' },
    },
    {
      name: 'node-not-in-browser',
      severity: 'error',
      from: { path: '\\.browser\\.ts$' },
      to: { path: '\\.node\\.ts$' },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.d\\.ts$' },
  },
};
