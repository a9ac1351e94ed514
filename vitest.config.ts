import { defineConfig } from "vitest/config";

// Unit tests run with the network out of reach; integration tests start real components (a registry,
// llama.cpp, local servers speaking GitHub's protocols) and get more time.
export default defineConfig({
  test: {
    reporters: ["default", "./test/helpers/summary-reporter.ts"],
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts"],
          testTimeout: 20_000,
          globalSetup: ["./test/helpers/global-setup.ts"],
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          globalSetup: ["./test/helpers/global-setup.ts"],
        },
      },
    ],
  },
});
