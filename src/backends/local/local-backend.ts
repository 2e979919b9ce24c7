/**
 * The local backend: runs each attempt as `<shell> command` (bash unless the
 * config's `shell` says otherwise) in a child process
 * on this machine, in the attempt's work directory, with stdout and stderr
 * written to files. Container paths equal host paths; container images are
 * ignored (a notice says so once). Aborting kills the whole process group.
 * What the command used is sampled from its process tree (./usage.ts).
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { open } from "node:fs/promises";
import os from "node:os";
import { assertUnreachable } from "../../diagnostics/diagnostic.js";
import {
  containerPath,
  type AttemptFiles,
  type AttemptRequest,
  type AttemptResult,
  type AttemptUsage,
  type Backend,
  type Capacity,
  type ContainerPath,
  type HostPath,
  type InputSpec,
  type ImageIdentity,
} from "../backend.js";
import { AttemptLayout, ContainmentError, requireKind, type Mount } from "../layout.js";
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
  /** One process per attempt: a gang would lose its other ranks, so the runtime refuses `nodes` > 1. */
  readonly gangs = false;
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

  /** Every path is the host's: the work directory, the attempt's files and the inputs where they are. */
  layout(files: AttemptFiles, inputs: readonly InputSpec[]): AttemptLayout {
    const same = (host: HostPath, directory: boolean, role: "work" | "attempt" | "input"): Mount => ({ container: containerPath(host), host, source: host, directory, role });
    return new AttemptLayout([
      same(files.workDir, true, "work"),
      same(files.commandFile, false, "attempt"),
      same(files.stdoutFile, false, "attempt"),
      same(files.stderrFile, false, "attempt"),
      ...inputs.map((i): Mount => ({ container: containerPath(i.host), host: i.host, source: i.source, directory: i.directory, role: "input" })),
    ]);
  }

  async execute(request: AttemptRequest, signal: AbortSignal): Promise<AttemptResult> {
    if (request.containers.length > 0 && !this.noticedContainers) {
      this.noticedContainers = true;
      (this.options.notice ?? ((m: string) => process.stderr.write(m + "\n")))(
        `wdlrun: the local backend ignores container images (e.g. ${request.containers[0]}); commands run directly on this machine`,
      );
    }
    const { exitCode, usage } = await this.runProcess(request, signal);
    return {
      exitCode,
      oomKilled: false,
      ...(usage ? { usage } : {}),
      toHost: async (p, kind) => localToHost(request.layout, p, kind),
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
        void request.onStart?.({}).catch(() => undefined);
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

  /** Local commands run in no image. */
  imageIdentity(_containers: readonly string[]): Promise<ImageIdentity | undefined> {
    return Promise.resolve(undefined);
  }

  close(): Promise<void> {
    for (const pid of this.running) killGroup(pid, "SIGKILL");
    this.running.clear();
    return Promise.resolve();
  }
}

/**
 * A path the command handed back, resolved on this machine through the
 * layout: it must lie in the work directory, the attempt's files or an
 * input (links followed the same way as in a container), and be a regular
 * file or a directory as `kind` asks.
 */
function localToHost(layout: AttemptLayout, p: ContainerPath, kind: "File" | "Directory" | undefined): HostPath | undefined {
  const r = layout.resolve(p);
  switch (r.kind) {
    case "missing":
      return undefined;
    case "outside":
      if (!existsSync(r.container)) return undefined;
      throw new ContainmentError(`${layout.show(p)} is outside the task's working directory and inputs (a task may hand back only its own files and its inputs)`);
    case "mounted":
      requireKind(layout.show(p), r.type, kind);
      return r.host;
    default:
      return assertUnreachable(r);
  }
}

function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    // Already gone.
  }
}
