/**
 * How a task's outputs find the files its command wrote. Output expressions
 * name paths as the command saw them (relative to its working directory, or
 * absolute inside its container); these are mapped to host paths by asking
 * the backend (AttemptResult.toHost) before anything on the host is looked
 * at, so a host file at the same path never stands in for the task's own.
 * Paths the runtime handed out are host paths: inputs are mapped to where
 * the command saw them and then back through the backend, and files in the
 * attempt's own directory (stdout, stderr, `write_*` results) are taken as
 * they are.
 *
 * Expression evaluation is synchronous and the backend is not: an output
 * expression is evaluated against the paths mapped so far; a path not yet
 * mapped is noted, mapped, and the expression evaluated again (its
 * `write_*` calls then give back the files the earlier pass wrote).
 */
import { open } from "node:fs/promises";
import path from "node:path";
import { containerPath, hostPath, type AttemptLayout, type AttemptResult, type ContainerPath, type HostPath } from "../backends/backend.js";
import { ContainmentError } from "../backends/layout.js";
import type { FileIO } from "../eval/context.js";
import { nodeFileIO, type NodeFileIOOptions } from "../eval/node-io.js";
import { ValueError } from "../values/errors.js";
import { outputUnderLinkName } from "./output-links.js";
import type { AttemptPaths } from "./run-dir.js";

/** What a path maps to: a host path, nothing there, or refused (it would leave the box). */
type Mapped = { readonly host: HostPath | undefined } | { readonly refused: ContainmentError };

/** Maps the paths a finished attempt's outputs name to host paths; one per attempt. */
export class OutputPaths {
  /** By kind and absolute path as the command saw it. */
  private readonly mapped = new Map<string, Mapped>();
  private readonly pending = new Map<string, { readonly path: ContainerPath; readonly kind: "File" | "Directory" | undefined }>();
  /** `write_*` files of the current evaluation, in call order, with what they hold. */
  private writes: { key: string; file: string }[] = [];
  private writeIndex = 0;

  constructor(
    private readonly layout: AttemptLayout,
    private readonly paths: AttemptPaths,
    private readonly result: AttemptResult,
  ) {}

  /**
   * The host path of `p` (as an output value names it), or undefined when
   * nothing is there; rejects with a ContainmentError when it would leave the
   * box or is not what `kind` asks.
   */
  async toHost(p: string, kind?: "File" | "Directory"): Promise<HostPath | undefined> {
    if (this.isAttemptFile(p)) return (await exists(p)) ? hostPath(p) : undefined;
    const view = this.commandView(p);
    const key = keyOf(view, kind);
    if (!this.mapped.has(key)) await this.map(key, view, kind);
    const target = unwrap(this.mapped.get(key)!);
    const named = await outputUnderLinkName(view, target, this.layout.workDir, this.paths.workDir);
    // The link now names its target's host path, which the container view cannot follow: later
    // reads of it (`read_string(linked)` in a later output) go to the target already let through.
    if (named !== target && target !== undefined) this.mapped.set(keyOf(view, undefined), { host: target });
    return named;
  }

  /**
   * A FileIO for evaluating output expressions inside `evaluate`: `read_*`,
   * `size`, `exists` and `glob` see what the command wrote, as it saw it.
   */
  fileIO(options: Omit<NodeFileIOOptions, "hostPath" | "globPath">): FileIO {
    const io = nodeFileIO({ ...options, hostPath: (p) => this.hostPathNow(p), globPath: (p) => this.globPath(p) });
    return { ...io, writeFile: (nameHint, content) => this.writeOnce(io, nameHint, content) };
  }

  /** Runs `evaluate` (which uses `fileIO()`) until every path it named is mapped. */
  async evaluate<T>(evaluate: () => T): Promise<T> {
    this.writes = [];
    for (;;) {
      this.writeIndex = 0;
      let outcome: { ok: true; value: T } | { ok: false; error: unknown };
      try {
        outcome = { ok: true, value: evaluate() };
      } catch (error) {
        outcome = { ok: false, error };
      }
      if (this.pending.size === 0) {
        if (outcome.ok) return outcome.value;
        throw outcome.error;
      }
      const todo = [...this.pending];
      this.pending.clear();
      for (const [key, { path: view, kind }] of todo) if (!this.mapped.has(key)) await this.map(key, view, kind);
    }
  }

  /** Asks the backend where `view` is; a refusal is kept to be reported where the path is used. */
  private async map(key: string, view: ContainerPath, kind: "File" | "Directory" | undefined): Promise<void> {
    try {
      this.mapped.set(key, { host: await this.result.toHost(view, kind) });
    } catch (e) {
      if (!(e instanceof ContainmentError)) throw e;
      this.mapped.set(key, { refused: e });
    }
  }

  /** The host path of `p` if already mapped; else notes it for `evaluate` and fails this pass. */
  private hostPathNow(p: string): string | undefined {
    if (this.isAttemptFile(p)) return p;
    const view = this.commandView(p);
    const key = keyOf(view, undefined);
    const m = this.mapped.get(key);
    if (m !== undefined) {
      if ("refused" in m) throw new ValueError(m.refused.message, "file-read-failed");
      return m.host;
    }
    this.pending.set(key, { path: view, kind: undefined });
    throw new ValueError(`'${p}' is not yet copied out of the task`, "file-read-failed");
  }

  /** Where `glob` looks for `p` (relative to the working directory): resolved through the layout, links never followed out of the box. */
  private globPath(p: string): string | undefined {
    try {
      const r = this.layout.resolve(this.layout.absolute(p));
      return r.kind === "mounted" ? r.host : undefined;
    } catch (e) {
      if (e instanceof ContainmentError) throw new ValueError(`glob: ${e.message}`, "file-read-failed");
      throw e;
    }
  }

  /** `write_*` for a pass of `evaluate`: the n-th call gives back the earlier pass's n-th file when it holds the same. */
  private writeOnce(io: FileIO, nameHint: string, content: string): string {
    const key = `${nameHint}\0${content}`;
    const i = this.writeIndex++;
    const earlier = this.writes[i];
    if (earlier !== undefined && earlier.key === key) return earlier.file;
    const file = io.writeFile(nameHint, content);
    this.writes[i] = { key, file };
    return file;
  }

  /** A file the runtime made in the attempt's directory on the host (stdout, stderr, `write_*` results); nothing the task made. */
  private isAttemptFile(p: string): boolean {
    return p === this.paths.stdoutFile || p === this.paths.stderrFile || (p.startsWith(this.paths.writeDir + "/") && !p.slice(this.paths.writeDir.length + 1).includes("/"));
  }

  /** `p` as an absolute path the command saw (a host path the runtime handed out is mapped first). */
  private commandView(p: string): ContainerPath {
    return this.layout.absolute(path.isAbsolute(p) ? this.layout.toContainer(hostPath(p)) : containerPath(p));
  }
}

function keyOf(view: ContainerPath, kind: "File" | "Directory" | undefined): string {
  return `${kind ?? ""}\0${view}`;
}

function unwrap(m: Mapped): HostPath | undefined {
  if ("refused" in m) throw m.refused;
  return m.host;
}

async function exists(p: string): Promise<boolean> {
  try {
    const h = await open(p, "r");
    await h.close();
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EISDIR";
  }
}
