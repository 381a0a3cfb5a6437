import { defineConfig } from 'vitest/config';

// Shared by every package: tests run on source through the custom export condition.
export default defineConfig({
  resolve: { conditions: ['@dmasim/source'] },
  ssr: { resolve: { conditions: ['@dmasim/source'] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    reporters: process.env.GITHUB_ACTIONS ? ['default', 'github-actions'] : ['default'],
  },
});
