import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests import every workspace package from its source, so no build is needed before `vitest`.
const packages = ['core', 'cloud-emulator', 'kube-fake', 'flannel-backend', 'bgp'];
const alias = Object.fromEntries(
  packages.map((p) => [
    `@edgeway/${p}`,
    fileURLToPath(new URL(`./packages/${p}/src/index.ts`, import.meta.url)),
  ]),
);

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**', '**/dist/**'],
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          globalSetup: ['test/root-namespace-guard.ts'],
          include: [
            'packages/*/src/**/*.integration.test.ts',
            'packages/*/test-support/**/*.integration.test.ts',
            'test/**/*.integration.test.ts',
          ],
          exclude: ['**/node_modules/**', '**/dist/**'],
          // Namespaces, daemons and kernel state are shared machine resources: run files one at a time.
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
