import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  test: {
    include: ['tests/**/*.test.ts'],
    setupFiles: ['tests/setup/no-network.ts'],
    // A named zone with daylight saving, so nothing passes only because the machine runs in UTC.
    env: { TZ: 'America/New_York' },
    testTimeout: 20_000,
    pool: 'forks',
  },
});
