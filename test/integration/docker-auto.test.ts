/**
 * Backend selection through the runtime's factory: `docker` and `auto` pick
 * the Docker backend when an engine answers; `auto` falls back to local with
 * a one-line notice when none does, and `docker` then fails with the fix.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/index.js";
import { createBackend } from "../../src/runtime/backend-factory.js";
import { dockerHost, dockerSkipReason } from "./kit.js";

const skip = dockerSkipReason();
const config = (host: string) => loadConfig({ skipFiles: true, env: { WDLRUN_DOCKER_HOST: host } });

describe.skipIf(skip !== "")(`backend selection${skip ? ` (${skip})` : ""}`, () => {
  it("auto and docker choose the Docker backend when an engine answers", async () => {
    for (const choice of ["auto", "docker"] as const) {
      const notices: string[] = [];
      const setup = await createBackend(config(dockerHost()), (m) => notices.push(m), choice);
      expect(setup.backend.kind).toBe("docker");
      await setup.backend.close();
      expect(notices.filter((n) => n.includes("local processes"))).toEqual([]);
    }
  });

  it("auto falls back to local with one notice; docker fails with the fix", async () => {
    const none = "unix:///tmp/wdlrun-no-engine-here.sock";
    const notices: string[] = [];
    const setup = await createBackend(config(none), (m) => notices.push(m), "auto");
    expect(setup.backend.kind).toBe("local");
    expect(notices).toHaveLength(1);
    await expect(createBackend(config(none), () => undefined, "docker")).rejects.toThrow(
      `no Docker Engine answers at ${none}: start one (npm run setup:docker, or sudo systemctl start docker), point docker.host / DOCKER_HOST at a running engine, or use --backend local`,
    );
  });
});
