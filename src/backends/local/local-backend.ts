/**
 * The local backend: runs each attempt as `<shell> command` (bash unless the
 * config's `shell` says otherwise) in a child process
 * on this machine, in the attempt's work directory, with stdout and stderr
 * written to files. Container paths equal host paths; container images are
 * ignored (a notice says so once). Aborting kills the whole process group.
 * What the command used is sampled from its process tree (./usage.ts).
 */
import { spawn } from "node:child_process";
import { constants as fsConstants } from "node:fs";
import { access, open } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import {
  containerPath,
  hostPath,
  type AttemptLayout,
  type AttemptRequest,
  type AttemptResult,
  type AttemptUsage,
  type Backend,
  type Capacity,
  type ContainerPath,
  type HostPath,
} from "../backend.js";
import { ProcessTreeSampler } from "./usage.js";

/** Options of the local backend (from the config). */
export interface LocalBackendOptions {
  /** Override the CPU count (default: os.cpus().length). */
  readonly cpu?: number;
  /** Override the memory in bytes (default: os.totalmem()). */
  readonly memoryBytes?: number;
  /** GPU ids this machine offers (default: none). */
  readonly gpuIds?: readonly string[];
  /** Seconds between SIGTERM and SIGKILL when aborting (default 5). */
  readonly killGraceSeconds?: number;
  /** The program that runs the command file (config `shell`; default bash). */
  readonly shell?: string;
  /** Where notices go (default: stderr). */
  readonly notice?: (message: string) => void;
}

/** Runs attempts as local processes. */
export class LocalBackend implements Backend {
  readonly kind = "local" as const;
  private noticedContainers = false;
  private readonly running = new Set<number>();

  constructor(private readonly options: LocalBackendOptions = {}) {}

  capacity(): Promise<Capacity> {
    return Promise.resolve({
      cpu: this.options.cpu ?? Math.max(1, os.cpus().length),
      memoryBytes: this.options.memoryBytes ?? os.totalmem(),
      gpuIds: [...(this.options.gpuIds ?? [])],
    });
  }

  layout(attemptDir: HostPath, inputs: readonly { readonly host: HostPath; readonly directory: boolean }[]): AttemptLayout {
    return {
      workDir: containerPath(path.join(attemptDir, "work")),
      inputs: inputs.map((i) => ({ host: i.host, container: containerPath(i.host), directory: i.directory })),
    };
  }

  async execute(request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
    if (request.containers.length > 0 && !this.noticedContainers) {
      this.noticedContainers = true;
      (this.options.notice ?? ((m: string) => process.stderr.write(m + "\n")))(
        `wdlrun: the local backend ignores container images (e.g. ${request.containers[0]}); commands run directly on this machine`,
      );
    }
    const { exitCode, usage } = await this.runProcess(request, signal);
    const workDir = request.workDir;
    return {
      exitCode,
      oomKilled: false,
      ...(usage ? { usage } : {}),
      toHost: async (p: ContainerPath) => {
        const abs = path.resolve(workDir, p);
        try {
          await access(abs, fsConstants.F_OK);
          return hostPath(abs);
        } catch {
          return undefined;
        }
      },
      release: () => Promise.resolve(),
    };
  }

  private async runProcess(request: AttemptRequest, signal: AbortSignal): Promise<{ exitCode: number; usage?: AttemptUsage }> {
    if (signal.aborted) return { exitCode: 130 };
    const [out, err] = await Promise.all([open(request.stdoutFile, "w"), open(request.stderrFile, "w")]);
    try {
      const env: Record<string, string> = { ...(process.env as Record<string, string>), ...request.env };
      if (request.resources.gpuIds.length > 0) {
        env.CUDA_VISIBLE_DEVICES = request.resources.gpuIds.join(",");
        env.NVIDIA_VISIBLE_DEVICES = request.resources.gpuIds.join(",");
      }
      return await new Promise<{ exitCode: number; usage?: AttemptUsage }>((resolve, reject) => {
        const shell = this.options.shell ?? "bash";
        const child = spawn(shell, [request.commandFile], {
          cwd: request.workDir,
          env,
          detached: true,
          stdio: ["ignore", out.fd, err.fd],
        });
        let killTimer: NodeJS.Timeout | undefined;
        const onAbort = () => {
          if (child.pid === undefined) return;
          killGroup(child.pid, "SIGTERM");
          killTimer = setTimeout(() => child.pid !== undefined && killGroup(child.pid, "SIGKILL"), (this.options.killGraceSeconds ?? 5) * 1000);
          killTimer.unref();
        };
        signal.addEventListener("abort", onAbort, { once: true });
        if (child.pid !== undefined) this.running.add(child.pid);
        const sampler = child.pid !== undefined ? new ProcessTreeSampler(child.pid) : undefined;
        child.once("error", (e) => {
          signal.removeEventListener("abort", onAbort);
          sampler?.stop();
          reject(new Error(`could not start the shell '${shell}' for ${request.callId}: ${e.message} (set \`shell\` in the config or WDLRUN_SHELL)`));
        });
        child.once("exit", (code, sig) => {
          signal.removeEventListener("abort", onAbort);
          if (killTimer) clearTimeout(killTimer);
          if (child.pid !== undefined) this.running.delete(child.pid);
          const usage = sampler?.stop();
          resolve({ exitCode: code ?? 128 + (sig ? (os.constants.signals[sig] ?? 0) : 0), ...(usage ? { usage } : {}) });
        });
      });
    } finally {
      // The command has exited and its output is on disk; our copies of the
      // descriptors close in the background so the next task starts sooner.
      void Promise.all([out.close(), err.close()]).catch(() => undefined);
    }
  }

  close(): Promise<void> {
    for (const pid of this.running) killGroup(pid, "SIGKILL");
    this.running.clear();
    return Promise.resolve();
  }
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // Already gone.
  }
}
