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
import { containerPath, hostPath, type AttemptLayout, type AttemptResult, type HostPath } from "../backends/backend.js";
import type { FileIO } from "../eval/context.js";
import { nodeFileIO, type NodeFileIOOptions } from "../eval/node-io.js";
import { ValueError } from "../values/errors.js";
import { outputUnderLinkName } from "./output-links.js";
import type { AttemptPaths } from "./run-dir.js";

/** Maps the paths a finished attempt's outputs name to host paths; one per attempt. */
export class OutputPaths {
  /** Host path (or undefined: nothing there) by absolute path as the command saw it. */
  private readonly mapped = new Map<string, HostPath | undefined>();
  private readonly pending = new Set<string>();
  /** `write_*` files of the current evaluation, in call order, with what they hold. */
  private writes: { key: string; file: string }[] = [];
  private writeIndex = 0;

  /**
   * @param toCommand maps a host path the runtime handed out (an input, the
   *   work directory) to the path the command saw; other paths unchanged
   */
  constructor(
    private readonly layout: AttemptLayout,
    private readonly paths: AttemptPaths,
    private readonly result: AttemptResult,
    private readonly toCommand: (p: string) => string,
  ) {}

  /** The host path of `p` (as an output value names it), or undefined when nothing is there. */
  async toHost(p: string): Promise<HostPath | undefined> {
    if (this.isAttemptFile(p)) return (await exists(p)) ? hostPath(p) : undefined;
    const key = this.commandView(p);
    if (!this.mapped.has(key)) this.mapped.set(key, await this.result.toHost(containerPath(key)));
    return outputUnderLinkName(key, this.mapped.get(key), this.layout.workDir, this.paths.workDir);
  }

  /**
   * A FileIO for evaluating output expressions inside `evaluate`: `read_*`,
   * `size` and `exists` read what the command wrote.
   */
  fileIO(options: Omit<NodeFileIOOptions, "hostPath">): FileIO {
    const io = nodeFileIO({ ...options, hostPath: (p) => this.hostPathNow(p) });
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
      const keys = [...this.pending];
      this.pending.clear();
      for (const key of keys) if (!this.mapped.has(key)) this.mapped.set(key, await this.result.toHost(containerPath(key)));
    }
  }

  /** The host path of `p` if already mapped; else notes it for `evaluate` and fails this pass. */
  private hostPathNow(p: string): string | undefined {
    if (this.isAttemptFile(p)) return p;
    const key = this.commandView(p);
    if (this.mapped.has(key)) return this.mapped.get(key);
    this.pending.add(key);
    throw new ValueError(`'${p}' is not yet copied out of the task`, "file-read-failed");
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

  /** A file the runtime made in the attempt's directory on the host (stdout, stderr, `write_*` results). */
  private isAttemptFile(p: string): boolean {
    return path.isAbsolute(p) && p.startsWith(this.paths.dir + "/") && !isUnder(p, this.paths.workDir);
  }

  /** `p` as an absolute path the command saw. */
  private commandView(p: string): string {
    return path.posix.resolve(this.layout.workDir, this.toCommand(p));
  }
}

function isUnder(p: string, dir: string): boolean {
  return p === dir || p.startsWith(dir + "/");
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
