/**
 * `wdlrun graph FILE [--task NAME | --workflow NAME] [--format mermaid|dot|svg|html]`:
 * prints the dependency picture of the document's workflow (or a task) on
 * stdout: Mermaid or DOT text to paste into docs, or a laid-out SVG or a
 * self-contained HTML page (see src/graph). Exit 1 with the diagnostics when
 * the document has errors; 2 for a bad option.
 */
import type { Command } from "commander";
import { assertUnreachable, hasErrors } from "../diagnostics/diagnostic.js";
import { renderDiagnostics } from "../diagnostics/render.js";
import type { GraphModel } from "../graph/model.js";
import type { CheckOutput } from "./check.js";
import { addCommand, ExitCode } from "./program.js";

const FORMATS = ["mermaid", "dot", "svg", "html"] as const;
/** The output formats of `wdlrun graph`. */
export type GraphFormat = (typeof FORMATS)[number];

/** Options of `wdlrun graph`. */
export interface GraphCommandOptions {
  readonly task?: string;
  readonly workflow?: string;
  readonly format?: string;
}

/** Prints the picture of `file`; resolves to the exit code. */
export async function runGraph(file: string, opts: GraphCommandOptions, out: CheckOutput = defaultOutput): Promise<number> {
  const format = opts.format ?? "mermaid";
  if (!(FORMATS as readonly string[]).includes(format)) {
    out.stderr(`wdlrun: --format must be one of ${FORMATS.join(", ")}, not ${JSON.stringify(format)}\n`);
    return ExitCode.usage;
  }
  if (opts.task !== undefined && opts.workflow !== undefined) {
    out.stderr("wdlrun: give --task or --workflow, not both\n");
    return ExitCode.usage;
  }
  // Loaded here, not at start-up (see ./program.ts): the front end, the graph model and the target choice.
  const [{ analyzeFile }, { graphModel, sourcesOf }, { chooseTarget }] = await Promise.all([
    import("../analysis/index.js"),
    import("../graph/model.js"),
    import("../runtime/target.js"),
  ]);
  const analysis = await analyzeFile(file);
  if (!analysis.root || hasErrors(analysis.diagnostics)) {
    out.stderr(renderDiagnostics(analysis.diagnostics.filter((d) => d.severity === "error"), analysis.sources));
    return ExitCode.failure;
  }
  const wf = analysis.root.workflow;
  if (opts.workflow !== undefined && wf?.name !== opts.workflow) {
    out.stderr(`wdlrun: ${file} has no workflow named ${JSON.stringify(opts.workflow)}${wf ? ` (its workflow: ${wf.name})` : " (it defines none)"}\n`);
    return ExitCode.failure;
  }
  const choice = chooseTarget(analysis.root, opts.task);
  if (choice.kind === "error") {
    out.stderr(`wdlrun: ${choice.message}\n`);
    return ExitCode.failure;
  }
  out.stdout(await renderGraph(graphModel(choice.target, sourcesOf(analysis.sources)), format as GraphFormat));
  return ExitCode.ok;
}

/** The model in one format. */
export async function renderGraph(model: GraphModel, format: GraphFormat): Promise<string> {
  switch (format) {
    case "mermaid":
      return (await import("../graph/text.js")).toMermaid(model);
    case "dot":
      return (await import("../graph/text.js")).toDot(model);
    case "svg": {
      const [{ renderSvg }, { layoutModel }] = await Promise.all([import("../graph/svg.js"), import("../graph/layout.js")]);
      return renderSvg(await layoutModel(model, { expandSubworkflows: true })) + "\n";
    }
    case "html":
      return (await import("../graph/html.js")).graphPage(model);
    default:
      return assertUnreachable(format);
  }
}

const defaultOutput: CheckOutput = {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
};

addCommand((program: Command, done) => {
  program
    .command("graph")
    .description("print the workflow's dependency graph (Mermaid, DOT, SVG or a self-contained HTML page)")
    .argument("<file>", "WDL document")
    .option("--task <name>", "a task of the document instead of its workflow")
    .option("--workflow <name>", "the document's workflow (the default)")
    .option("--format <format>", `${FORMATS.join(", ")} (default mermaid)`)
    .action(async (file: string, opts: GraphCommandOptions) => {
      done(await runGraph(file, opts));
    });
});
