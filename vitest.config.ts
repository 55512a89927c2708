import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["lib/**/*.test.ts", "app/**/*.test.tsx", "cli/**/*.test.ts", "server/**/*.test.ts", "drills/**/*.test.ts", "scripts/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Python interop tests start MLX; two workers keep a 2-core machine responsive.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
