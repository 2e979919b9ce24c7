/**
 * A Docker Engine of a test's own, for tests that kill or stop one (never the
 * shared test engine): a dockerd started by scripts/engine-common.sh's
 * start_dockerd in a fresh folder, with the test image copied from the shared
 * engine and tagged ubuntu:latest. Needs root.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { root, tempDir } from "../kit.js";

const IMAGE = "wdlrun/test-debian:bookworm-v2";

/** A throwaway engine: its URL, and ways to signal, restart and discard it. */
export class ThrowawayEngine {
  /** The dockerd's pid (read at start: a dockerd that shuts down removes its pid file). */
  private dockerdPid = 0;

  private constructor(
    readonly dir: string,
    /** More dockerd arguments (e.g. a TLS listener). */
    private readonly args: readonly string[],
  ) {}

  /** The engine URL. */
  get host(): string {
    return `unix://${this.dir}/docker.sock`;
  }

  /** Starts a dockerd (with `args` added) in a fresh folder and copies the test image from the engine at `main`. */
  static start(main: string, args: readonly string[] = []): ThrowawayEngine {
    const engine = new ThrowawayEngine(tempDir("wdlrun-engine-"), args);
    engine.boot(main);
    return engine;
  }

  private boot(main: string): void {
    const script = [
      `say() { printf 'engine: %s\\n' "$*" >&2; }`,
      `die() { printf 'engine: %s\\n' "$*" >&2; exit 1; }`,
      `. ${JSON.stringify(path.join(root, "scripts", "engine-common.sh"))}`,
      `start_dockerd ${[this.dir, ...this.args].map((a) => JSON.stringify(a)).join(" ")}`,
      `if ! DOCKER_HOST=${this.host} docker image inspect ubuntu:latest >/dev/null 2>&1; then`,
      `  DOCKER_HOST=${main} docker save ${IMAGE} | DOCKER_HOST=${this.host} docker load >/dev/null`,
      `  DOCKER_HOST=${this.host} docker tag ${IMAGE} ubuntu:latest`,
      `fi`,
    ].join("\n");
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 180_000 });
    if (r.status !== 0) throw new Error(`the throwaway engine did not start: ${r.stderr}`);
    this.dockerdPid = this.pid("pid");
  }

  /** Sends `signal` to the engine's dockerd. */
  signal(signal: NodeJS.Signals): void {
    process.kill(this.dockerdPid, signal);
  }

  /** Waits until the dockerd has exited. */
  async exited(): Promise<void> {
    const pid = this.dockerdPid;
    for (let i = 0; i < 300; i++) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Stops what is left of the engine (dockerd, its containerd) and starts it again on the same data. */
  async restart(main: string): Promise<void> {
    this.kill();
    await this.exited();
    this.boot(main);
  }

  /** Kills the dockerd, its containerd and their container shims (whatever of them still runs). */
  kill(): void {
    const pids: number[] = [this.dockerdPid];
    for (const file of ["exec/containerd/containerd.pid"]) {
      try {
        pids.push(this.pid(file));
      } catch {
        // Never started.
      }
    }
    // The shims of this engine's containers name its containerd socket on their command line.
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (readFileSync(`/proc/${entry}/cmdline`, "utf8").includes(`${this.dir}/exec/containerd`)) pids.push(Number(entry));
      } catch {
        // Exited meanwhile.
      }
    }
    for (const pid of pids) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
  }

  /** Kills the engine and removes its folder. */
  async discard(): Promise<void> {
    this.kill();
    await this.exited();
    // dockerd leaves mounts (overlays, netns) under its folders when it is killed: lazily unmounted, deepest first.
    spawnSync("bash", ["-c", `awk '{print $2}' /proc/mounts | grep -F ${JSON.stringify(this.dir + "/")} | sort -r | xargs -r umount -l; true`]);
    rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
  }

  private pid(file: string): number {
    return Number(readFileSync(path.join(this.dir, file), "utf8").trim());
  }
}
