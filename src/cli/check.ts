/**
 * `wdlrun check FILE…`: parses and type-checks each document (and its
 * imports) and prints every diagnostic with a code frame, sorted by file and
 * position. Exit 0 when there are no errors (warnings allowed), 1 when there
 * are, 2 for bad usage (commander) or an invalid configuration. `--strict`
 * (or config `strict`) makes leniency warnings errors.
 */
import type { Command } from "commander";
import { analyzeFile } from "../analysis/index.js";
import type { Diagnostic } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import { sortDiagnostics } from "../analysis/loader.js";
import { ConfigError, loadConfig } from "../config/index.js";
import { addCommand, ExitCode } from "./program.js";

/** Options of `check`. */
export interface CheckOptions {
  /** Print diagnostics as a JSON array on stdout instead of text on stderr. */
  readonly json?: boolean;
  /** Hide warnings. */
  readonly warnings?: boolean;
  /** Leniency warnings are errors (`--strict`, config `strict`, `WDLRUN_STRICT`). */
  readonly strict?: boolean;
}

/** Where `check` writes. */
export interface CheckOutput {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
}

/** Checks the files and reports; resolves to the exit code. */
export async function runCheck(files: readonly string[], options: CheckOptions = {}, out: CheckOutput = defaultOutput): Promise<number> {
  const all: Diagnostic[] = [];
  const sources = new Map<string, string>();
  const seen = new Set<string>();
  for (const file of files) {
    const analysis = await analyzeFile(file, { strict: options.strict ?? false });
    for (const [k, v] of analysis.sources) sources.set(k, v);
    for (const d of analysis.diagnostics) {
      // Documents imported by several of the files are reported once.
      const id = `${d.span?.uri}:${d.span?.start.offset}:${d.span?.end.offset}:${d.code}:${d.message}`;
      if (seen.has(id)) continue;
      seen.add(id);
      if (options.warnings === false && d.severity === "warning") continue;
      all.push(d);
    }
  }
  const sorted = sortDiagnostics(all);
  const errors = sorted.some((d) => d.severity === "error");
  if (options.json) out.stdout(JSON.stringify(sorted, null, 2) + "\n");
  else if (sorted.length) {
    const text = renderDiagnostics(sorted, sources);
    out.stderr(text);
  } else out.stderr(`${files.length === 1 ? files[0] : `${files.length} files`}: no problems found\n`);
  return errors ? ExitCode.failure : ExitCode.ok;
}

const defaultOutput: CheckOutput = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

addCommand((program: Command, done) => {
  program
    .command("check")
    .description("parse and type-check WDL documents and their imports")
    .argument("<files...>", "WDL documents to check")
    .option("--json", "print diagnostics as JSON on stdout")
    .option("--no-warnings", "do not show warnings")
    .option("--strict", "treat leniency warnings (what the spec forbids but other engines accept) as errors")
    .option("--config <file>", "read this TOML config file (for `strict`)")
    .action(async (files: string[], opts: { json?: boolean; warnings?: boolean; strict?: boolean; config?: string }) => {
      let strict: boolean;
      try {
        strict = loadConfig({ ...(opts.config !== undefined ? { configFile: opts.config } : {}), flags: opts.strict ? { strict: "true" } : {} }).strict;
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        process.stderr.write(`wdlrun: invalid configuration:\n${e.problems.map((p) => `  ${p}`).join("\n")}\n`);
        return done(ExitCode.invalid);
      }
      done(await runCheck(files, { json: opts.json, warnings: opts.warnings, strict }));
    });
});
