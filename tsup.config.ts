import { defineConfig } from 'tsup';

export default defineConfig([
  {
    entry: {
      'index.node': 'src/index.node.ts',
      'server/index': 'src/server/index.ts',
      'tus-js-client.node': 'src/index.tus-js-client.node.ts',
    },
    format: ['esm', 'cjs'],
    platform: 'node',
    target: 'node20',
    dts: true,
    sourcemap: true,
    clean: true,
    splitting: false,
  },
  {
    entry: {
      'cli/main': 'src/cli/main.ts',
      'cli/server-main': 'src/cli/server-main.ts',
    },
    format: ['esm'],
    platform: 'node',
    target: 'node20',
    sourcemap: true,
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    entry: {
      'index.browser': 'src/index.browser.ts',
      'tus-js-client.browser': 'src/index.tus-js-client.browser.ts',
    },
    format: ['esm'],
    platform: 'browser',
    target: 'es2022',
    dts: true,
    sourcemap: true,
    // Each entry one module without imports (the tus-js-client face carries its own core).
    splitting: false,
  },
]);
