/**
 * Self-contained HTML pages (no network: styles and scripts inline, SVG
 * computed here): the shell every wdlrun page shares, and the page of
 * `wdlrun graph --format html`: the workflow's picture, with each
 * sub-workflow drawn as one box that opens its own picture below (a
 * collapsible section; clicking the box toggles it).
 *
 * Every page records script errors and `console.error` calls into
 * `#wdlrun-errors` and marks `<body data-rendered="yes">` once its script
 * ran, so a headless browser's DOM dump shows whether it rendered cleanly.
 */
import { esc, renderSvg, type NodeDecoration } from "./svg.js";
import { layoutModel, type PlacedNode } from "./layout.js";
import { allItems, type GraphModel } from "./model.js";

/** Parts of a page. */
export interface PageParts {
  readonly title: string;
  /** Extra `<head>` content (e.g. a refresh tag). */
  readonly head?: string;
  /** Extra CSS. */
  readonly style?: string;
  /** The body's HTML. */
  readonly body: string;
  /** Extra script, run after the body is parsed. */
  readonly script?: string;
}

const BASE_STYLE = `
body{font-family:Helvetica,Arial,sans-serif;margin:16px 24px;color:#222;background:#fff}
h1{font-size:20px;margin:0 0 8px}h2{font-size:16px;margin:20px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
table{border-collapse:collapse;font-size:12px}td,th{border:1px solid #ddd;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f4f4f4}pre{background:#f7f7f7;border:1px solid #e4e4e4;padding:8px;font-size:12px;overflow:auto;max-height:320px}
details>summary{cursor:pointer;font-weight:bold;margin:8px 0}.scroll{overflow:auto;max-width:100%}
.subworkflow{cursor:pointer}#wdlrun-errors:empty{display:none}#wdlrun-errors{color:#b00;border:1px solid #b00;padding:6px}
`;

/** Records errors into the page before anything else runs. */
const ERROR_TRAP = `(function(){var list=[];function add(m){list.push(String(m));var e=document.getElementById("wdlrun-errors");if(e){var li=document.createElement("li");li.textContent=String(m);e.appendChild(li);}}
window.addEventListener("error",function(ev){add("error: "+ev.message)});window.addEventListener("unhandledrejection",function(ev){add("unhandled rejection: "+ev.reason)});
var ce=console.error;console.error=function(){add("console.error: "+Array.prototype.join.call(arguments," "));return ce.apply(console,arguments)};window.__wdlrunErrors=list;})();`;

/** A complete HTML document. */
export function page(parts: PageParts): string {
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(parts.title)}</title>${parts.head ?? ""}
<script>${ERROR_TRAP}</script>
<style>${BASE_STYLE}${parts.style ?? ""}</style></head>
<body>
<ul id="wdlrun-errors"></ul>
${parts.body}
<script>(function(){${parts.script ?? ""}
document.body.setAttribute("data-rendered","yes");})();</script>
</body></html>
`;
}

/** Opens a sub-workflow's section when its box is clicked. */
export const SUBWORKFLOW_SCRIPT = `document.querySelectorAll("g.subworkflow").forEach(function(g){g.addEventListener("click",function(){
var p=g.closest("[data-prefix]");var d=document.getElementById("sub-"+(p?p.getAttribute("data-prefix"):"")+g.getAttribute("data-id"));if(d){d.open=!d.open;if(d.open)d.scrollIntoView({behavior:"smooth"});}});});`;

/**
 * The pictures of a model and of every sub-workflow it calls, as HTML:
 * the top picture, then one `<details id="sub-<node id>">` per sub-workflow
 * call (nested for deeper ones).
 */
export async function graphSections(model: GraphModel, decorate?: (path: readonly string[], node: PlacedNode) => NodeDecoration | undefined): Promise<string> {
  const section = async (m: GraphModel, path: readonly string[], idPrefix: string): Promise<string> => {
    const layout = await layoutModel(m, { expandSubworkflows: false });
    const svg = renderSvg(layout, { id: `graph-${idPrefix || "top"}`, ...(decorate ? { decorate: (n) => decorate(path, n) } : {}) });
    const subs: string[] = [];
    for (const item of allItems(m.items)) {
      if (item.kind !== "call" || !item.body) continue;
      const inner = await section(item.body, [...path, item.dirName], `${idPrefix}${item.id}-`);
      subs.push(
        `<details class="subworkflow-section" id="sub-${esc(idPrefix + item.id)}" open><summary>${esc(item.name)}: workflow ${esc(item.callee)}</summary>${inner}</details>`,
      );
    }
    return `<div class="scroll" data-prefix="${esc(idPrefix)}">${svg}</div>${subs.join("\n")}`;
  };
  return section(model, [], "");
}

/** The page of `wdlrun graph --format html`. */
export async function graphPage(model: GraphModel): Promise<string> {
  const body = `<h1>${esc(model.kind)} ${esc(model.name)}</h1>${await graphSections(model)}`;
  return page({ title: `${model.name}: graph`, body, script: SUBWORKFLOW_SCRIPT });
}
