/**
 * `wdlrun doctor` from the CLI against the real test engines: on the GPU
 * test engine (stand-in NVIDIA hook, stand-in nvidia-smi on PATH) with a
 * document whose images are present all is well (exit 0); on the plain engine
 * the same GPUs cannot be attached, a configured GPU id nvidia-smi does not
 * list and an image that is neither present nor pullable are problems, each
 * with its fix (exit 1).
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { doctorCommand } from "../../src/cli/doctor.js";
import { dockerHost, dockerSkipReason, gpuEngine, tempDir } from "./kit.js";

const gpu = gpuEngine();
const skip = dockerSkipReason() || gpu.skipReason;

/** Runs `wdlrun doctor` in this process with `env` set; resolves with its exit code and lines. */
async function doctor(file: string | undefined, backend: string, env: Record<string, string>): Promise<{ code: number; lines: string[] }> {
  const saved = { ...process.env };
  Object.assign(process.env, env);
  const lines: string[] = [];
  try {
    const code = await doctorCommand(file, { backend }, (line) => lines.push(line));
    return { code, lines };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}

/** A document naming `images` (one task each) in a fresh folder. */
function documentNaming(images: readonly string[]): string {
  const file = path.join(tempDir("wdlrun-doctor-"), "main.wdl");
  writeFileSync(file, `version 1.2\n${images.map((image, i) => `task t${i} { command <<< true >>> requirements { container: "${image}" } }\n`).join("")}`);
  return file;
}

const withStandIns = { PATH: `${gpu.bin}:${process.env.PATH ?? ""}` };

describe.skipIf(skip !== "")(`wdlrun doctor${skip ? ` (skipped: ${skip})` : ""}`, () => {
  it("finds all well on the GPU test engine: engine and API version, GPUs attached, images present, disk", async () => {
    const file = documentNaming(["ubuntu:latest", "python:3"]);
    const r = await doctor(file, "docker", { ...withStandIns, DOCKER_HOST: gpu.host });
    expect(r.lines.filter((l) => l.startsWith("problem"))).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.lines).toContainEqual(expect.stringMatching(new RegExp(`^ok {7}engine: Docker Engine \\S+ \\(API 1\\.\\d+\\) at ${gpu.host}$`)));
    expect(r.lines).toContainEqual(expect.stringMatching(/^ok {7}gpus: nvidia-smi lists 4: GPU-\S+ \(NVIDIA H100 80GB HBM3, 79\.6 GiB\)/));
    expect(r.lines).toContainEqual(expect.stringMatching(/^ok {7}gpus: the engine carries out GPU device requests/));
    expect(r.lines).toContainEqual("ok       images: ubuntu:latest is present");
    expect(r.lines).toContainEqual("ok       images: python:3 is present");
    expect(r.lines).toContainEqual(expect.stringMatching(/^ok {7}disk: \S+ \S+ free under \//));
    expect(r.lines).toContainEqual(expect.stringMatching(/^note {5}swarm: the engine is not in a swarm/));
    expect(r.lines.at(-1)).toBe("doctor: all is well");
  });

  it("reports what is wrong, one line each with the fix", async () => {
    const file = documentNaming(["ubuntu:latest", "wdlrun/no-such-image:1"]);
    const r = await doctor(file, "docker", { ...withStandIns, DOCKER_HOST: dockerHost(), WDLRUN_DOCKER_PULL: "never", WDLRUN_RESOURCES_GPUS: "GPU-not-there,1" });
    expect(r.code).toBe(1);
    const problems = r.lines.filter((l) => l.startsWith("problem"));
    expect(problems).toEqual([
      "problem  gpus: resources.gpus names GPU-not-there, which nvidia-smi does not list; fix: use the indices or UUIDs nvidia-smi -L prints, or leave resources.gpus empty to use every GPU it lists",
      expect.stringMatching(/^problem {2}gpus: the Docker Engine at \S+ cannot give containers GPUs \(asked for device 1; engine says: .+\); fix: install the NVIDIA Container Toolkit/),
      'problem  images: wdlrun/no-such-image:1: not present, and docker.pull = "never"; fix: docker pull wdlrun/no-such-image:1 (or docker load it), or set docker.pull = "if-not-present"',
    ]);
    expect(r.lines.at(-1)).toBe("doctor: 3 problems");
  });

  it("says a document with errors is a problem", async () => {
    const file = path.join(tempDir("wdlrun-doctor-"), "bad.wdl");
    writeFileSync(file, "version 1.2\ntask t { command <<< ~{nope} >>> }\n");
    const r = await doctor(file, "docker", { DOCKER_HOST: dockerHost() });
    expect(r.code).toBe(1);
    expect(r.lines).toContainEqual(`problem  document: ${file} has errors; fix: wdlrun check ${file} lists them`);
  });
});
