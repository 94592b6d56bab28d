import { defineConfig } from 'vitest/config';

// One Prism mock per spec for the whole run (started in parallel, URLs handed to the tests with
// `inject('mockUrls')`, every process stopped and checked gone at the end, pass or fail).
export default defineConfig({
  test: {
    globalSetup: ['@offboard/mock/global-setup'],
    testTimeout: 30_000,
  },
});
