/**
 * `report.html`: one self-contained page per run (no network) with the
 * run's status and inputs, the workflow's picture coloured by each call's
 * state, the timeline of every attempt, each attempt's requested against
 * used resources, the failures with the tail of their stderr and their
 * folder, and the outputs. While the run goes on, the page reloads itself
 * every few seconds (wdlrun rewrites it as the run moves).
 */
import { graphSections, page, SUBWORKFLOW_SCRIPT } from "../graph/html.js";
import type { PlacedNode } from "../graph/layout.js";
import { esc, type NodeDecoration } from "../graph/svg.js";
import { formatBytes } from "../runtime/units.js";
import { stringifyJson } from "../values/json-text.js";
import type { AttemptRecord, CallState, RunData } from "./data.js";
import { averageCores, usageFindings } from "./findings.js";
import { formatSeconds, timelineSvg } from "./timeline.js";

/** Seconds between reloads of a page whose run is still going. */
export const LIVE_REFRESH_SECONDS = 3;

const STYLE = `
.status{display:inline-block;padding:2px 8px;border-radius:10px;color:#fff;font-weight:bold;font-size:13px}
.status-succeeded{background:#2e8b3a}.status-failed{background:#c0392b}.status-running{background:#2f6fb5}.status-interrupted{background:#8a6d1e}
.meta td:first-child{font-weight:bold;background:#fafafa}
.state-succeeded rect{fill:#d6f0d6;stroke:#2e8b3a}.state-failed rect{fill:#f7cfcf;stroke:#c0392b}.state-running rect{fill:#d3e4f8;stroke:#2f6fb5}
.state-waiting rect{fill:#eeeeee;stroke:#999}.state-stopped rect{fill:#f3ecd9;stroke:#8a6d1e}
.bar-ok rect{fill:#7cc47f}.bar-failed rect{fill:#e07b6f}.bar-running rect{fill:#79a9dd}
.legend span{display:inline-block;margin-right:12px}.legend i{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle;border:1px solid #888}
td.num{text-align:right;font-variant-numeric:tabular-nums}.far{color:#b35c00;font-weight:bold}
`;

/** The report page for `data`; `now` (ms since the epoch) ends the bars of attempts still running. */
export async function renderReport(data: RunData, now = Date.now()): Promise<string> {
  const run = data.run;
  const live = run.status === "running";
  const body = [
    header(data, now),
    findingsSection(data.attempts),
    await graphSection(data),
    `<h2>Timeline</h2><div class="legend"><span><i style="background:#7cc47f"></i>succeeded</span><span><i style="background:#e07b6f"></i>failed</span><span><i style="background:#79a9dd"></i>running</span></div>`,
    `<div class="scroll">${timelineSvg(data.attempts, Date.parse(run.startedAt), now)}</div>`,
    resourcesSection(data.attempts),
    failuresSection(data),
    `<h2>Inputs</h2><pre id="inputs">${esc(stringifyJson(data.inputs ?? {}, 2))}</pre>`,
    data.outputs !== undefined ? `<h2>Outputs</h2><pre id="outputs">${esc(stringifyJson(data.outputs, 2))}</pre>` : "",
  ].join("\n");
  return page({
    title: `${run.target}: ${run.status}`,
    head: live ? `<meta http-equiv="refresh" content="${LIVE_REFRESH_SECONDS}">` : "",
    style: STYLE,
    body,
    script: SUBWORKFLOW_SCRIPT,
  });
}

function header(data: RunData, now: number): string {
  const run = data.run;
  const end = run.endedAt !== undefined ? Date.parse(run.endedAt) : now;
  const counts = new Map<CallState, number>();
  for (const c of run.calls) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  const callSummary = [...counts].map(([s, n]) => `${n} ${s}`).join(", ") || "none yet";
  const rows: [string, string][] = [
    ["document", run.document],
    ["backend", run.backend],
    ["started", run.startedAt],
    [run.endedAt !== undefined ? "ended" : "running for", run.endedAt !== undefined ? `${run.endedAt} (${formatSeconds((end - Date.parse(run.startedAt)) / 1000)})` : formatSeconds((end - Date.parse(run.startedAt)) / 1000)],
    ["calls", callSummary],
    ["attempts", String(data.attempts.length)],
    ["run directory", data.dir],
  ];
  return (
    `<h1>${esc(run.target)} <span id="run-status" class="status status-${run.status}">${run.status}</span></h1>` +
    `<table class="meta">${rows.map(([k, v]) => `<tr><td>${esc(k)}</td><td>${esc(v)}</td></tr>`).join("")}</table>`
  );
}

function findingsSection(attempts: readonly AttemptRecord[]): string {
  const lines = usageFindings(attempts);
  if (lines.length === 0) return "";
  return `<h2>Requested vs used</h2><ul id="findings">${lines.map((l) => `<li>${esc(l)}</li>`).join("")}</ul>`;
}

/** The picture, each call box coloured by the states of its calls (every scatter element, every sub-workflow instance). */
async function graphSection(data: RunData): Promise<string> {
  const graph = data.run.graph;
  if (!graph) return "";
  // Calls by their path of directory names without scatter indexes: `call-sub/call-align`.
  const byPath = new Map<string, Map<CallState, number>>();
  for (const c of data.run.calls) {
    const key = c.callId
      .split(".")
      .map((s) => s.replace(/(-\d{4,})+$/, ""))
      .join("/");
    let m = byPath.get(key);
    if (!m) byPath.set(key, (m = new Map()));
    m.set(c.state, (m.get(c.state) ?? 0) + 1);
  }
  const merged = (prefix: string): Map<CallState, number> | undefined => {
    let out: Map<CallState, number> | undefined;
    for (const [k, m] of byPath) {
      if (!k.startsWith(prefix + "/")) continue;
      out ??= new Map();
      for (const [s, n] of m) out.set(s, (out.get(s) ?? 0) + n);
    }
    return out;
  };
  const decorate = (path: readonly string[], node: PlacedNode): NodeDecoration | undefined => {
    if (node.item.kind !== "call") return undefined;
    const own = [...path, node.item.dirName].join("/");
    // A sub-workflow's box stands for every call inside it.
    const states = node.item.body ? merged(own) : byPath.get(own);
    if (!states) return { className: "state-none", title: `${node.item.name}: not started` };
    const order: CallState[] = ["failed", "running", "waiting", "stopped", "succeeded"];
    const shown = order.find((s) => states.has(s))!;
    const total = [...states.values()].reduce((p, q) => p + q, 0);
    const parts = order.filter((s) => states.has(s)).map((s) => `${states.get(s)} ${s}`);
    return { className: `state-${shown}`, title: `${node.item.name}: ${parts.join(", ")}`, badge: total > 1 || shown !== "succeeded" ? parts.join(" · ") : "done" };
  };
  return `<h2>Workflow</h2><div id="graph">${await graphSections(graph, decorate)}</div>`;
}

function resourcesSection(attempts: readonly AttemptRecord[]): string {
  if (attempts.length === 0) return "";
  const head = ["call", "attempt", "exit", "wall", "CPU req", "CPU time", "avg cores", "memory req", "peak memory", "GPUs", "node", "measured by"];
  const rows = attempts.map((a) => {
    const q = a.requested;
    const u = a.used;
    const cores = averageCores(a);
    const peak = u?.peakMemoryBytes;
    const memShare = peak !== undefined && q && q.memoryBytes > 0 ? peak / q.memoryBytes : undefined;
    const far = memShare !== undefined && q && !q.memoryDefaulted && (memShare > 1 || memShare < 0.25);
    const cells = [
      esc(a.callId),
      String(a.attempt),
      a.exitCode !== undefined ? String(a.exitCode) : a.endedAt === undefined ? "running" : "—",
      u?.wallSeconds !== undefined ? formatSeconds(u.wallSeconds) : "—",
      q ? `${q.cpu}${q.cpuDefaulted ? " (default)" : ""}${(q.ranks ?? 1) > 1 ? ` × ${q.ranks} ranks` : ""}` : "—",
      u?.cpuSeconds !== undefined ? formatSeconds(u.cpuSeconds) : "—",
      cores !== undefined ? cores.toFixed(2) : "—",
      q ? `${formatBytes(q.memoryBytes)}${q.memoryDefaulted ? " (default)" : ""}` : "—",
      peak !== undefined ? `<span${far ? ' class="far"' : ""}>${formatBytes(peak)}${memShare !== undefined ? ` (${Math.round(memShare * 100)}%)` : ""}</span>` : "—",
      q && q.gpuIds.length > 0 ? esc(q.gpuIds.join(", ")) : "",
      esc(u?.node ?? ""),
      esc(u ? `${u.source}${u.ranks ? ` (${u.ranks})` : ""}${u.note ? `: ${u.note}` : ""}` : ""),
    ];
    return `<tr>${cells.map((c, i) => `<td${i >= 1 && i <= 8 ? ' class="num"' : ""}>${c}</td>`).join("")}</tr>`;
  });
  return `<h2>Resources: requested and used</h2><div class="scroll"><table id="resources"><thead><tr>${head.map((h) => `<th>${h}</th>`).join("")}</tr></thead><tbody>${rows.join("")}</tbody></table></div>`;
}

function failuresSection(data: RunData): string {
  const failures = data.error?.failures ?? [];
  const parts = failures.map(
    (f) =>
      `<div class="failure"><h3>${esc(f.callId ?? f.call ?? "?")}${f.attempt !== undefined ? ` (attempt ${f.attempt})` : ""}</h3>` +
      `<p>${esc(f.reason ?? "")}</p>${f.attemptDir ? `<p>folder: <code>${esc(f.attemptDir)}</code></p>` : ""}` +
      (f.stderrTail && f.stderrTail.length > 0 ? `<pre class="stderr">${esc(f.stderrTail.join("\n"))}</pre>` : "") +
      `</div>`,
  );
  const evaluation = data.error?.evaluation ?? [];
  if (evaluation.length > 0) parts.push(`<pre class="evaluation">${esc(stringifyJson(evaluation, 2))}</pre>`);
  if (parts.length === 0 && data.error?.error) parts.push(`<p>${esc(data.error.error)}</p>`);
  return parts.length > 0 ? `<h2>Failures</h2><div id="failures">${parts.join("\n")}</div>` : "";
}
