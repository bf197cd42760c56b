import { defineConfig } from 'vitest/config';

// Two projects:
//   unit  fast tests of the model, engine, transforms and CLI; no build engine.
//   e2e   real builds (BuildKit through dockerd, buildah) started once by the globalSetup;
//         files run one after another (they share the engines), with long timeouts.
// `vitest run --project unit` / `--project e2e` runs one of them.
export default defineConfig({
  test: {
    // Stopping dockerd in the e2e globalSetup's teardown can take a few seconds.
    teardownTimeout: 120_000,
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'test/transforms/**/*.test.ts',
            'test/properties/*.unit.test.ts',
            'test/cli/**/*.test.ts',
            'test/model/**/*.test.ts',
            'test/engine/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts', 'test/properties/*.engine.test.ts'],
          environment: 'node',
          globalSetup: ['test/e2e/engine/global-setup.ts'],
          pool: 'forks',
          fileParallelism: false,
          sequence: { concurrent: false },
          testTimeout: 300_000,
          hookTimeout: 600_000,
        },
      },
    ],
  },
});
