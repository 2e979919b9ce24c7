/**
 * Draws a laid-out picture as a standalone SVG string (inline styles only,
 * no scripts, no external references): groups as dashed boxes with their
 * label on top, inputs and outputs as tinted boxes, calls as white boxes,
 * edges as polylines with arrowheads. Callers can add a class, a tooltip
 * and a second line to each node (the run report colours calls by state).
 */
import type { Layout, PlacedNode } from "./layout.js";
import { FONT_SIZE } from "./layout.js";

/** What a caller adds to one node. */
export interface NodeDecoration {
  /** Extra CSS class (e.g. `state-failed`); the report's stylesheet colours it. */
  readonly className?: string;
  /** Tooltip text. */
  readonly title?: string;
  /** Shown after the label (e.g. `3/10`). */
  readonly badge?: string;
  /** Fill colour, for a standalone SVG with no stylesheet. */
  readonly fill?: string;
}

/** Options of `renderSvg`. */
export interface SvgOptions {
  readonly decorate?: (node: PlacedNode) => NodeDecoration | undefined;
  /** The `id` attribute of the `<svg>` element. */
  readonly id?: string;
}

const GROUP_COLOURS = { scatter: "#4a7ab5", conditional: "#b58a4a", call: "#7a4ab5" } as const;

/** The SVG document for `layout`. */
export function renderSvg(layout: Layout, options: SvgOptions = {}): string {
  const w = Math.ceil(layout.width);
  const h = Math.ceil(layout.height);
  const marker = `m${options.id ?? "g"}`;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg"${options.id ? ` id="${esc(options.id)}"` : ""} class="wdl-graph" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="Helvetica, Arial, sans-serif" font-size="${FONT_SIZE}">`,
    `<defs><marker id="${marker}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#666"/></marker></defs>`,
  ];
  for (const n of layout.nodes.filter((n) => n.group)) out.push(groupBox(n));
  for (const e of layout.edges) {
    const d = e.points.map((p, i) => `${i === 0 ? "M" : "L"}${r(p.x)},${r(p.y)}`).join("");
    out.push(`<path class="edge" d="${d}" fill="none" stroke="#666" stroke-width="1.2" marker-end="url(#${marker})"/>`);
  }
  for (const n of layout.nodes.filter((n) => !n.group)) out.push(leafBox(n, options.decorate?.(n)));
  out.push("</svg>");
  return out.join("\n");
}

function groupBox(n: PlacedNode): string {
  const kind = n.item.kind === "scatter" || n.item.kind === "conditional" ? n.item.kind : "call";
  const colour = GROUP_COLOURS[kind];
  return (
    `<g class="group group-${kind}" data-id="${esc(n.id)}">` +
    `<rect x="${r(n.x)}" y="${r(n.y)}" width="${r(n.width)}" height="${r(n.height)}" rx="8" fill="${kind === "call" ? "#f7f3fc" : "#fafbfc"}" stroke="${colour}" stroke-dasharray="5,3"/>` +
    `<text x="${r(n.x + 10)}" y="${r(n.y + 17)}" fill="${colour}" font-weight="bold">${esc(n.label)}</text></g>`
  );
}

function leafBox(n: PlacedNode, deco: NodeDecoration | undefined): string {
  const kind = n.item.kind;
  const fill = deco?.fill ?? (kind === "input" ? "#eef6ff" : kind === "output" ? "#f3fff0" : "#fff8e6");
  const stroke = kind === "input" ? "#4a7ab5" : kind === "output" ? "#4b8f3a" : "#b08a2e";
  const sub = kind === "call" && n.item.kind === "call" && n.item.body ? " subworkflow" : "";
  const cx = r(n.x + n.width / 2);
  const text = deco?.badge
    ? `<text x="${cx}" y="${r(n.y + n.height / 2 - 2)}" text-anchor="middle" fill="#222">${esc(n.label)}</text>` +
      `<text class="badge" x="${cx}" y="${r(n.y + n.height / 2 + 10)}" text-anchor="middle" fill="#555" font-size="${FONT_SIZE - 2}">${esc(deco.badge)}</text>`
    : `<text x="${cx}" y="${r(n.y + n.height / 2 + FONT_SIZE / 3)}" text-anchor="middle" fill="#222">${esc(n.label)}</text>`;
  return (
    `<g class="node node-${kind}${sub}${deco?.className ? ` ${deco.className}` : ""}" data-id="${esc(n.id)}">` +
    (deco?.title ? `<title>${esc(deco.title)}</title>` : "") +
    `<rect x="${r(n.x)}" y="${r(n.y)}" width="${r(n.width)}" height="${r(n.height)}" rx="${kind === "call" ? 6 : 14}" fill="${fill}" stroke="${stroke}"/>` +
    `${text}</g>`
  );
}

/** Escapes text for XML content and attributes. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

function r(v: number): string {
  return String(Math.round(v * 10) / 10);
}
