import { defineConfig } from 'vitest/config';
import type { Plugin } from 'vite';

/** Writes precache.json, the build's file list, for the offline service worker (web/public/sw.js). */
function precacheList(): Plugin {
  return {
    name: 'collapse-atlas-precache',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((f) => f !== 'precache.json' && !f.endsWith('.map'));
      this.emitFile({ type: 'asset', fileName: 'precache.json', source: JSON.stringify(files) });
    },
  };
}

const page = (name: string) => new URL(`web/${name}`, import.meta.url).pathname;

// The explorer lives in web/; the engine in src/ is shared with tests and the batch runner, whose
// page (web/batch.html) the CLI serves itself but the build also ships.
export default defineConfig({
  root: 'web',
  publicDir: 'public',
  plugins: [precacheList()],
  build: {
    outDir: '../dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: { input: { main: page('index.html'), batch: page('batch.html') } },
  },
  // ES-module workers keep their dynamic imports as chunks: the inspector's worker loads the model-file
  // compiler (mathjs's parser) only for a user model's trajectory.
  worker: { format: 'es' },
  server: { port: 5173, fs: { allow: ['..'] } },
  test: {
    root: '.',
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/support/setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    // dawn.node and SwiftShader share the two cores: one GPU test file at a time keeps timings sane.
    fileParallelism: false,
  },
});
