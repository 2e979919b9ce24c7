import { defineConfig } from "vitest/config";

// Unit tests live beside their subject under test/; integration tests (a real
// Docker Engine, started by test/integration/global-setup) under test/integration.
export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    globalSetup: ["test/integration/global-setup.ts"],
  },
});
