/**
 * `wdlrun clean`: removes containers (gangs' networks with them, and, on a
 * swarm manager, services) left in the Docker Engine by wdlrun runs that did
 * not finish (crashed, killed) or that kept them (`cleanup = false`). Those of runs still going are left
 * alone unless `--all` is given. A service's task container goes with its
 * service and is not listed on its own.
 *
 * Exit codes: 0 done (also when there was nothing to remove), 1 the engine
 * could not be reached or refused, 2 bad usage or invalid config.
 */
import type { Command } from "commander";
import type { SweptContainer } from "../backends/engine/index.js";
import { addCommand, ExitCode } from "./program.js";

/** Options of `wdlrun clean`. */
export interface CleanOptions {
  readonly all?: boolean;
  readonly run?: string;
  readonly dryRun?: boolean;
  readonly config?: string;
  readonly host?: string;
}

/** Runs `wdlrun clean`; writes its report through `out` and resolves with the exit code. */
export async function cleanCommand(opts: CleanOptions, out: (line: string) => void): Promise<number> {
  // Loaded here, not at start-up (see ./program.ts).
  const [{ DockerBackendError, connect, countSwept, engineUrl, sweepContainers }, { ConfigError, loadConfig }] = await Promise.all([
    import("../backends/engine/index.js"),
    import("../config/index.js"),
  ]);
  let host: string | undefined;
  let tls = {};
  try {
    const config = loadConfig({
      ...(opts.config !== undefined ? { configFile: opts.config } : {}),
      flags: { ...(opts.host !== undefined ? { "docker.host": opts.host } : {}) },
    });
    host = config.docker.host;
    tls = config.docker.tls;
  } catch (e) {
    if (e instanceof ConfigError) {
      out(`wdlrun: invalid configuration:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
      return ExitCode.usage;
    }
    throw e;
  }
  let url: string;
  let swept: SweptContainer[];
  try {
    url = engineUrl(host);
    swept = await sweepContainers(connect(url, tls), url, {
      ...(opts.all ? { all: true } : {}),
      ...(opts.run !== undefined ? { runId: opts.run } : {}),
      ...(opts.dryRun ? { dryRun: true } : {}),
    });
  } catch (e) {
    if (e instanceof DockerBackendError) {
      out(`wdlrun: ${e.message}`);
      return ExitCode.failure;
    }
    throw e;
  }
  const doomed = swept.filter((c) => c.doomed);
  for (const c of doomed) {
    const why = c.state.kind === "gone" ? c.state.why : "--all";
    out(`${opts.dryRun ? "would remove" : "removed"} ${c.name} (run ${c.runId}, ${c.callId}): ${why}`);
  }
  const left = swept.filter((c) => !c.doomed);
  for (const c of left) out(`kept ${c.name} (run ${c.runId}, ${c.callId}): ${c.state.kind === "alive" ? "its run is still going" : c.state.why}`);
  const kept = left.length === 0 ? "0" : countSwept(left);
  out(`${opts.dryRun ? "would remove" : "removed"} ${countSwept(doomed)}, kept ${kept} (engine ${url})`);
  return ExitCode.ok;
}

/** Registers `clean` with the program. */
export function registerClean(program: Command, done: (code: number) => void): void {
  program
    .command("clean")
    .description("remove containers (with gangs' networks, and swarm services) left by wdlrun runs that did not finish (runs still going are left alone)")
    .option("--all", "remove every wdlrun container and service, including those of runs that may still be going")
    .option("--run <id>", "only those of this run (the run directory's name)")
    .option("--dry-run", "list what would be removed, remove nothing")
    .option("--host <url>", "the Docker Engine (default: docker.host, DOCKER_HOST, unix:///var/run/docker.sock)")
    .option("--config <file>", "read this TOML config file")
    .action(async (opts: CleanOptions) => {
      done(await cleanCommand(opts, (line) => process.stderr.write(line + "\n")));
    });
}

addCommand(registerClean);
