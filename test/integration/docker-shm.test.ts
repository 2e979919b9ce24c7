/**
 * wdlrun's `shm_size` hint from the CLI on a real Docker Engine and on Podman:
 * the task's `/dev/shm` has the size asked for, and the engine's default
 * without it (Docker's is 64 MiB, Podman's 64,000 KiB: `shm_size = "65536k"`
 * is read by Podman as 65,536,000 bytes).
 */
import { describe, expect, it } from "vitest";
import { runWdl, testEngines, type TestEngine } from "./kit.js";

/** A task that reports the size of its /dev/shm in bytes (`stat -f`: blocks × block size). */
const SHM = (hints: string) => `version 1.2
task shm {
  command <<< stat -f -c '%b %S' /dev/shm > size >>>
  requirements { container: "ubuntu:latest" }
  hints { ${hints} }
  output { String size = read_string("size") }
}
`;

const bytes = (out: unknown): number => {
  const [blocks, size] = String(out).split(" ").map(Number);
  return blocks! * size!;
};

/** Each engine's own /dev/shm size when nothing asks for one. */
const DEFAULT_SHM: Record<TestEngine["name"], number> = { docker: 64 * 1024 ** 2, podman: 64_000 * 1024 };

describe.each(testEngines())("shm_size on $name", (engine: TestEngine) => {
  const skip = engine.skip;
  const run = (hints: string) => runWdl(SHM(hints), [], { backend: "docker", host: engine.host });

  it.skipIf(skip !== "")(`sizes /dev/shm as the hint asks${skip ? ` (skipped: ${skip})` : ""}`, async () => {
    const r = await run(`shm_size: "8 GiB"`);
    expect(r.code, r.stderr).toBe(0);
    expect(bytes(r.outputs["shm.size"])).toBe(8 * 1024 ** 3);
  });

  it.skipIf(skip !== "")("leaves the engine's default without it", async () => {
    const r = await run(`short_task: true`);
    expect(r.code, r.stderr).toBe(0);
    expect(bytes(r.outputs["shm.size"])).toBe(DEFAULT_SHM[engine.name]);
  });
});
