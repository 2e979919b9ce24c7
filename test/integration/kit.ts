/**
 * Test kit for Docker integration tests: the engine the global setup found,
 * attempt requests laid out in a fresh temporary attempt directory, `wdlrun
 * run` as a child process, and the overlap of time intervals.
 */
import { spawn, type ChildProcessByStdio } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { inject } from "vitest";
import { hostPath, type AttemptRequest, type Backend, type GrantedResources, type HostPath } from "../../src/backends/backend.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The engine URL, or "" when none could be started. */
    dockerHost: string;
    /** Why there is no engine (when dockerHost is ""). */
    dockerUnavailable: string;
    /** The GPU test engine (scripts/setup-gpu-engine.sh). */
    gpuEngine: GpuEngine;
    /** The tests' rootful Podman (scripts/setup-podman.sh), or "" when none could be started. */
    podmanHost: string;
    /** Why there is no Podman (when podmanHost is ""). */
    podmanUnavailable: string;
  }
}

/**
 * The GPU test engine: a dockerd with a stand-in NVIDIA hook (device requests
 * work, no device is attached), and the folder holding the stand-in
 * `nvidia-smi` (answering from an inventory file: $WDLRUN_FAKE_GPUS_FILE, else
 * four GPUs: two H100 80GB, an A100 80GB, an A100 40GB).
 */
export interface GpuEngine {
  /** Its engine URL; "" when there is none. */
  readonly host: string;
  /** The stand-ins' folder, to put first on wdlrun's PATH. */
  readonly bin: string;
  /** Why GPU tests are skipped ("" when they run). */
  readonly skipReason: string;
}

/**
 * The lines the GPU test engine's stand-in hook logged: one
 * `NVIDIA_VISIBLE_DEVICES=<ids>` per container started with a device request.
 */
export function gpuHookLines(engine: GpuEngine): string[] {
  const file = path.join(engine.bin, "..", "hook.log");
  return existsSync(file) ? readFileSync(file, "utf8").split("\n").filter((l) => l !== "") : [];
}

/** The GPU test engine the global setup started or found. */
export function gpuEngine(): GpuEngine {
  const host = process.env.WDLRUN_TEST_GPU_DOCKER_HOST ?? "";
  const bin = process.env.WDLRUN_TEST_GPU_BIN ?? "";
  return inject("gpuEngine") ?? (host !== "" && bin !== "" ? { host, bin, skipReason: "" } : { host: "", bin: "", skipReason: "no GPU test engine" });
}

/** The engine URL for tests; "" when no engine could be started. */
export function dockerHost(): string {
  return inject("dockerHost") ?? process.env.DOCKER_HOST ?? "";
}

/** Why Docker tests are skipped ("" when they run). */
export function dockerSkipReason(): string {
  return dockerHost() === "" ? `no Docker Engine: ${inject("dockerUnavailable") || "unknown reason"}` : "";
}

/** The tests' Podman URL; "" when none could be started. */
export function podmanHost(): string {
  return inject("podmanHost") ?? process.env.WDLRUN_PODMAN_HOST ?? "";
}

/** One engine a test runs on: Docker, or Podman through its Docker-compatible API. */
export interface TestEngine {
  readonly name: "docker" | "podman";
  readonly host: string;
  /** Why the tests on it are skipped ("" when they run). */
  readonly skip: string;
}

/** The engines tests that must behave the same on both run on (for `describe.each`). */
export function testEngines(): TestEngine[] {
  const podman = podmanHost();
  return [
    { name: "docker", host: dockerHost(), skip: dockerSkipReason() },
    { name: "podman", host: podman, skip: podman === "" ? `no Podman: ${inject("podmanUnavailable") || "unknown reason"}` : "" },
  ];
}

/** A fresh temporary folder. */
export function tempDir(prefix = "wdlrun-it-"): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Options for `makeRequest`. */
export interface RequestSpec {
  readonly command: string;
  readonly runId?: string;
  readonly callId?: string;
  readonly attempt?: number;
  readonly inputs?: readonly { readonly host: string; readonly directory?: boolean }[];
  readonly env?: Record<string, string>;
  readonly containers?: readonly string[];
  readonly resources?: Partial<GrantedResources>;
  /** Parent folder (default: a fresh temporary folder). */
  readonly root?: string;
}

/** Builds an attempt request the way the runtime does: attempt dir, command file, layout from the backend. */
export function makeRequest(backend: Backend, spec: RequestSpec): AttemptRequest {
  const root = spec.root ?? tempDir();
  const attempt = spec.attempt ?? 1;
  const callId = spec.callId ?? "call-test";
  const dir = path.join(root, callId, `attempt-${attempt}`);
  mkdirSync(path.join(dir, "work"), { recursive: true });
  const commandFile = path.join(dir, "command");
  writeFileSync(commandFile, spec.command + "\n");
  const files = {
    dir: hostPath(dir),
    workDir: hostPath(path.join(dir, "work")),
    commandFile: hostPath(commandFile),
    stdoutFile: hostPath(path.join(dir, "stdout")),
    stderrFile: hostPath(path.join(dir, "stderr")),
  };
  const layout = backend.layout(
    files,
    (spec.inputs ?? []).map((i) => ({ host: hostPath(i.host), source: hostPath(existsSync(i.host) ? realpathSync(i.host) : i.host), directory: i.directory ?? false })),
  );
  return {
    runId: spec.runId ?? `it-${process.pid}`,
    callId,
    attempt,
    ...files,
    layout,
    env: spec.env ?? {},
    containers: spec.containers ?? ["ubuntu:latest"],
    resources: { cpu: 1, memoryBytes: 2 ** 30, gpuIds: [], fpga: 0, disks: [{ mountPoint: "/" as never, sizeBytes: 2 ** 30 }], ...spec.resources },
  };
}

/** Writes a file (creating folders) and returns its host path. */
export function writeHostFile(file: string, text: string): HostPath {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return hostPath(file);
}

/** The repository's root. */
export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

/**
 * Starts `wdlrun run FILE --backend BACKEND --out OUT` from the sources as a
 * child process (for tests that signal it), with `env` added to this
 * process's environment; stdout and stderr piped.
 */
export function spawnRun(file: string, backend: "docker" | "swarm", out: string, env: Record<string, string>): ChildProcessByStdio<null, Readable, Readable> {
  return spawn(process.execPath, ["--import", "tsx", path.join(root, "src/cli/main.ts"), "run", file, "--backend", backend, "--out", out], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
}

/** The most intervals that overlap at any instant. */
export function maxOverlap(intervals: readonly { readonly start: number; readonly end: number }[]): number {
  const points = intervals.flatMap((i) => [
    { t: i.start, d: 1 },
    { t: i.end, d: -1 },
  ]);
  points.sort((a, b) => a.t - b.t || a.d - b.d);
  let now = 0;
  let max = 0;
  for (const p of points) max = Math.max(max, (now += p.d));
  return max;
}

/** What `runWdl` gives back. */
export interface WdlRun {
  readonly code: number;
  readonly outputs: Record<string, unknown>;
  readonly stdout: string;
  readonly stderr: string;
  /** The run directory ("" when none was made). */
  readonly runDir: string;
}

/**
 * Runs `wdlrun run` in this process on `wdl` (written to a fresh folder, or
 * to `options.dir`), with `args` (inputs file, key=value) and extra WDLRUN_*
 * variables; the engine is the tests' (DOCKER_HOST, or `options.host`).
 */
export async function runWdl(
  wdl: string,
  args: string[],
  options: { readonly backend: "docker" | "swarm" | "local" | "auto"; readonly env?: Record<string, string>; readonly out?: string; readonly host?: string; readonly dir?: string },
): Promise<WdlRun> {
  const { runCommand } = await import("../../src/cli/run.js");
  const dir = options.dir ?? tempDir("wdlrun-run-");
  const file = path.join(dir, "main.wdl");
  writeFileSync(file, wdl);
  const saved = { ...process.env };
  Object.assign(process.env, options.env ?? {}, { DOCKER_HOST: options.host ?? dockerHost() });
  let stdout = "";
  let stderr = "";
  try {
    const code = await runCommand(file, args, { backend: options.backend, out: options.out ?? path.join(dir, "runs") }, {
      stdout: { write: (t) => void (stdout += t) },
      stderr: { write: (t) => void (stderr += t), isTTY: false },
    });
    const runDir = /run directory: (.+?)(?: \(details in error\.json\))?$/m.exec(stderr)?.[1] ?? "";
    return { code, outputs: stdout ? (JSON.parse(stdout) as Record<string, unknown>) : {}, stdout, stderr, runDir };
  } finally {
    for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
    Object.assign(process.env, saved);
  }
}
