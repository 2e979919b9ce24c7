/**
 * `wdlrun doctor [FILE.wdl]`: checks that this machine can run workflows as
 * configured, one line per finding (./doctor-findings.ts says what is looked
 * at), each problem with its fix, and a last line that sums them up.
 *
 * Exit codes: 0 all is well (notes are not problems), 1 at least one problem,
 * 2 bad usage or an invalid config.
 */
import type { Command } from "commander";
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import type { Finding } from "./doctor-findings.js";
import { addCommand, ExitCode } from "./program.js";

/** Options of `wdlrun doctor`. */
export interface DoctorOptions {
  readonly config?: string;
  readonly backend?: string;
}

/** One finding as a line: `ok       engine: …`, `problem  images: …; fix: …`. */
export function findingLine(f: Finding): string {
  switch (f.kind) {
    case "ok":
      return `ok       ${f.topic}: ${f.text}`;
    case "note":
      return `note     ${f.topic}: ${f.text}`;
    case "problem":
      return `problem  ${f.topic}: ${f.text}; fix: ${f.fix}`;
    default:
      return assertUnreachable(f);
  }
}

/** Runs `wdlrun doctor`; writes one line per finding through `out` and resolves with the exit code. */
export async function doctorCommand(file: string | undefined, opts: DoctorOptions, out: (line: string) => void): Promise<number> {
  // Loaded here, not at start-up (see ./program.ts).
  const [{ ConfigError, loadConfig }, { findings }, { analyzeFile }, { hasErrors }] = await Promise.all([
    import("../config/index.js"),
    import("./doctor-findings.js"),
    import("../analysis/index.js"),
    import("../diagnostics/diagnostic.js"),
  ]);
  let config;
  try {
    config = loadConfig({ ...(opts.config !== undefined ? { configFile: opts.config } : {}), flags: { backend: opts.backend } });
  } catch (e) {
    if (e instanceof ConfigError) {
      out(`wdlrun: invalid configuration:\n${e.problems.map((p) => `  ${p}`).join("\n")}`);
      return ExitCode.usage;
    }
    throw e;
  }
  const found: Finding[] = [{ kind: "ok", topic: "backend", text: `${config.backend}${config.file ? ` (config ${config.file})` : ""}` }];
  let documents: import("../analysis/index.js").CheckedDocument[] = [];
  if (file !== undefined) {
    const analysis = await analyzeFile(file);
    if (!analysis.root || hasErrors(analysis.diagnostics)) {
      found.push({ kind: "problem", topic: "document", text: `${file} has errors`, fix: `wdlrun check ${file} lists them` });
    } else {
      documents = [...analysis.documents.values()];
      found.push({ kind: "ok", topic: "document", text: `${file} checks (${documents.length} document${documents.length === 1 ? "" : "s"})` });
    }
  }
  found.push(...(await findings(config, documents)));
  for (const f of found) out(findingLine(f));
  const problems = found.filter((f) => f.kind === "problem").length;
  out(problems === 0 ? "doctor: all is well" : `doctor: ${problems} problem${problems === 1 ? "" : "s"}`);
  return problems === 0 ? ExitCode.ok : ExitCode.failure;
}

/** Registers `doctor` with the program. */
export function registerDoctor(program: Command, done: (code: number) => void): void {
  program
    .command("doctor")
    .description("check the engine, swarm, GPUs, a document's images and free disk; one line per finding, with the fix")
    .argument("[file]", "a WDL document whose images to check")
    .option("--backend <kind>", "auto, local, docker or swarm (default: the config's)")
    .option("--config <file>", "read this TOML config file")
    .action(async (file: string | undefined, opts: DoctorOptions) => {
      done(await doctorCommand(file, opts, (line) => process.stdout.write(line + "\n")));
    });
}

addCommand(registerDoctor);
