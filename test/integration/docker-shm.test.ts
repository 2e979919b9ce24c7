/**
 * wdlrun's `shm_size` hint from the CLI on a real Docker Engine: the task's
 * `/dev/shm` has the size asked for (the engine's default, 64 MiB, without it).
 */
import { describe, expect, it } from "vitest";
import { dockerSkipReason, runWdl } from "./kit.js";

const skip = dockerSkipReason();

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

describe.skipIf(skip !== "")(`shm_size on Docker${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("sizes /dev/shm as the hint asks", async () => {
    const r = await runWdl(SHM(`shm_size: "8 GiB"`), [], { backend: "docker" });
    expect(r.code, r.stderr).toBe(0);
    expect(bytes(r.outputs["shm.size"])).toBe(8 * 1024 ** 3);
  });

  it("leaves the engine's default without it", async () => {
    const r = await runWdl(SHM(`short_task: true`), [], { backend: "docker" });
    expect(r.code, r.stderr).toBe(0);
    expect(bytes(r.outputs["shm.size"])).toBe(64 * 1024 ** 2);
  });
});
