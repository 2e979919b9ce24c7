/**
 * Lays a GraphModel out with ELK's layered algorithm (elkjs): groups
 * (scatters, conditionals, expanded sub-workflows) are compound nodes laid
 * out together with their contents (`hierarchyHandling: INCLUDE_CHILDREN`),
 * so edges may cross group borders. ELK was chosen over dagre because it
 * lays out nested graphs natively (dagre's clusters are a post-pass that
 * overlaps edges with cluster borders) and is actively maintained by the
 * Eclipse project. The result holds absolute coordinates ready to draw.
 * ELK runs in a worker thread of its own (./elk-thread.ts), so that a run's
 * report is laid out beside the run, not in its way; where no thread can be
 * started it runs in-process. A graph laid out before is taken from the
 * layout cache (./layout-cache.ts), without ELK.
 */
import { Worker } from "node:worker_threads";
import type { ElkExtendedEdge, ElkNode } from "elkjs/lib/elk-api.js";
import { loadElk, type LoadedElk } from "./elk-load.js";
import { cachedLayout, layoutKey, storeLayout } from "./layout-cache.js";
import type { LayoutAnswer } from "./elk-thread.js";
import { assertUnreachable } from "../diagnostics/diagnostic.js";
import { allItems, type GraphItem, type GraphModel } from "./model.js";

/** One drawn box, in absolute coordinates. */
export interface PlacedNode {
  /** The model id, prefixed by the ids of the expanded sub-workflow calls around it (`n3/n0`). */
  readonly id: string;
  readonly item: GraphItem;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  /** Nesting depth (0 at the top). */
  readonly depth: number;
  /** The label drawn in the box (groups: at their top). */
  readonly label: string;
  /** A group (scatter, conditional, expanded sub-workflow), drawn behind its children. */
  readonly group: boolean;
}

/** One routed edge: a polyline. */
export interface PlacedEdge {
  readonly from: string;
  readonly to: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

/** A laid-out picture. */
export interface Layout {
  readonly width: number;
  readonly height: number;
  /** Groups before their children (draw in this order). */
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
}

/** Font metrics the boxes are sized for (the SVG uses the same font size). */
export const FONT_SIZE = 12;
const CHAR_WIDTH = 7.2;
const NODE_HEIGHT = 34;
const GROUP_HEADER = 26;

/** Options of `layoutModel`. */
export interface LayoutOptions {
  /** Draw sub-workflow bodies inside their call (true) or leave the call a single box (false). */
  readonly expandSubworkflows: boolean;
}

/** What lays an ELK graph out: the worker thread, or ELK in this thread. */
type Layouter = (graph: ElkNode) => Promise<ElkNode>;

let layouter: Layouter | undefined;

/** Starts loading ELK (in its thread) ahead of the first layout; commands that draw nothing never start it. */
function prepareLayouts(): void {
  layouter ??= threadLayouter() ?? inProcessLayouter();
}

function elkLayout(graph: ElkNode): Promise<ElkNode> {
  prepareLayouts();
  return layouter!(graph);
}

/** ELK loaded into this thread, when first asked (./elk-load.ts). */
function inProcessLayouter(): Layouter {
  let loaded: LoadedElk | undefined;
  return async (graph) => {
    loaded ??= loadElk();
    const out = await loaded.elk.layout(graph);
    loaded.storeCodeCache();
    return out;
  };
}

/**
 * ELK in a worker thread (./elk-thread.js beside this module, in the build
 * and in the bundle), which keeps the process alive only while a layout is
 * asked; undefined when no thread can be made. A thread that fails to load
 * (run from sources without a TypeScript loader) hands its layouts, and every
 * later one, to ELK in this thread.
 */
function threadLayouter(): Layouter | undefined {
  let worker: Worker;
  try {
    worker = new Worker(new URL("./elk-thread.js", import.meta.url));
  } catch {
    return undefined;
  }
  worker.unref();
  const waiting = new Map<number, { graph: ElkNode; resolve: (g: ElkNode) => void; reject: (e: Error) => void }>();
  let next = 0;
  let fallback: Layouter | undefined;
  worker.on("message", (a: LayoutAnswer) => {
    const w = waiting.get(a.id);
    if (!w) return;
    waiting.delete(a.id);
    if (waiting.size === 0) worker.unref();
    if ("error" in a) w.reject(new Error(a.error));
    else w.resolve(a.graph);
  });
  worker.on("error", () => {
    fallback ??= inProcessLayouter();
    for (const w of waiting.values()) fallback(w.graph).then(w.resolve, w.reject);
    waiting.clear();
  });
  return (graph) => {
    if (fallback) return fallback(graph);
    return new Promise((resolve, reject) => {
      const id = next++;
      waiting.set(id, { graph, resolve, reject });
      worker.ref();
      worker.postMessage({ id, graph });
    });
  };
}

/** Layouts already computed, by model (a run's report is redrawn many times from one model). */
const cache = new WeakMap<GraphModel, Map<boolean, Promise<Layout>>>();

/**
 * Lays `model` out (once per model and options). A model that carries its
 * stored layout (`withStoredLayouts`) is drawn from it, without ELK.
 */
export function layoutModel(model: GraphModel, options: LayoutOptions): Promise<Layout> {
  let byOption = cache.get(model);
  if (!byOption) cache.set(model, (byOption = new Map()));
  let layout = byOption.get(options.expandSubworkflows);
  if (!layout) {
    layout = model.layout && !options.expandSubworkflows ? Promise.resolve(fromStored(model, model.layout)) : computeLayout(model, options);
    byOption.set(options.expandSubworkflows, layout);
  }
  return layout;
}

/** A layout without its items (they are the model's), to store beside the model in `run.json`. */
export interface StoredLayout {
  readonly width: number;
  readonly height: number;
  readonly nodes: readonly Omit<PlacedNode, "item">[];
  readonly edges: readonly PlacedEdge[];
}

/**
 * The model, and every sub-workflow's model in it, with its collapsed
 * layout stored (what reports draw): a report rebuilt from `run.json` then
 * needs no layout run (ELK takes about a second just to load).
 */
export async function withStoredLayouts(model: GraphModel): Promise<GraphModel> {
  const attach = async (m: GraphModel): Promise<GraphModel> => {
    const mapItem = async (i: GraphItem): Promise<GraphItem> => {
      if (i.kind === "call" && i.body) return { ...i, body: await attach(i.body) };
      if (i.kind === "scatter" || i.kind === "conditional") return { ...i, children: await Promise.all(i.children.map(mapItem)) };
      return i;
    };
    const items = await Promise.all(m.items.map(mapItem));
    const bare: GraphModel = { name: m.name, kind: m.kind, items, edges: m.edges };
    const l = await layoutModel(bare, { expandSubworkflows: false });
    const stored: StoredLayout = { width: l.width, height: l.height, nodes: l.nodes.map(({ item: _item, ...rest }) => rest), edges: l.edges };
    return { ...bare, layout: stored };
  };
  return attach(model);
}

function fromStored(model: GraphModel, stored: StoredLayout): Layout {
  const byId = new Map<string, GraphItem>();
  for (const i of allItems(model.items)) byId.set(i.id, i);
  const nodes: PlacedNode[] = [];
  for (const n of stored.nodes) {
    const item = byId.get(n.id);
    if (item) nodes.push({ ...n, item });
  }
  return { width: stored.width, height: stored.height, nodes, edges: stored.edges };
}

async function computeLayout(model: GraphModel, options: LayoutOptions): Promise<Layout> {
  const info = new Map<string, { item: GraphItem; depth: number; label: string; group: boolean }>();
  const edges: ElkExtendedEdge[] = [];
  let edgeCount = 0;
  const build = (m: GraphModel, prefix: string, depth: number): ElkNode[] => {
    const idOf = (raw: string) => prefix + raw;
    for (const e of m.edges) edges.push({ id: `e${edgeCount++}`, sources: [idOf(e.from)], targets: [idOf(e.to)] });
    const node = (i: GraphItem): ElkNode => {
      const id = idOf(i.id);
      const group = (label: string, children: ElkNode[]): ElkNode => {
        info.set(id, { item: i, depth, label, group: true });
        return {
          id,
          children,
          layoutOptions: {
            "elk.padding": `[top=${GROUP_HEADER},left=12,bottom=12,right=12]`,
            "elk.nodeSize.constraints": "MINIMUM_SIZE",
            "elk.nodeSize.minimum": `(${textWidth(label) + 24}, 40)`,
          },
        };
      };
      switch (i.kind) {
        case "input":
        case "output":
        case "call": {
          if (i.kind === "call" && i.body && options.expandSubworkflows)
            return group(`${i.name}: workflow ${i.callee}`, build(i.body, `${id}/`, depth + 1));
          const label = i.kind === "call" ? (i.name === i.callee ? i.name : `${i.name} (${i.callee})`) : `${i.name}: ${i.type}`;
          info.set(id, { item: i, depth, label, group: false });
          return { id, width: textWidth(label) + 24, height: NODE_HEIGHT };
        }
        case "scatter":
        case "conditional":
          return group(i.label, i.children.map(node));
        default:
          return assertUnreachable(i);
      }
    };
    return m.items.map(node);
  };
  const root: ElkNode = {
    id: "root",
    layoutOptions: {
      "elk.algorithm": "layered",
      "elk.direction": "DOWN",
      "elk.hierarchyHandling": "INCLUDE_CHILDREN",
      "elk.edgeRouting": "ORTHOGONAL",
      "elk.layered.spacing.nodeNodeBetweenLayers": "36",
      "elk.spacing.nodeNode": "24",
      "elk.padding": "[top=12,left=12,bottom=12,right=12]",
      "elk.json.shapeCoords": "ROOT",
      "elk.json.edgeCoords": "ROOT",
    },
    children: build(model, "", 0),
    edges,
  };
  const key = layoutKey(root);
  let out = cachedLayout(key);
  if (out === undefined) {
    out = await elkLayout(root);
    storeLayout(key, out);
  }
  const nodes: PlacedNode[] = [];
  const collect = (n: ElkNode) => {
    for (const c of n.children ?? []) {
      const i = info.get(c.id)!;
      nodes.push({ id: c.id, item: i.item, depth: i.depth, label: i.label, group: i.group, x: c.x ?? 0, y: c.y ?? 0, width: c.width ?? 0, height: c.height ?? 0 });
      collect(c);
    }
  };
  collect(out);
  const placedEdges: PlacedEdge[] = [];
  const collectEdges = (n: ElkNode) => {
    for (const e of (n.edges ?? []) as ElkExtendedEdge[]) {
      for (const s of e.sections ?? [])
        placedEdges.push({ from: e.sources[0]!, to: e.targets[0]!, points: [s.startPoint, ...(s.bendPoints ?? []), s.endPoint] });
    }
    for (const c of n.children ?? []) collectEdges(c);
  };
  collectEdges(out);
  return { width: out.width ?? 0, height: out.height ?? 0, nodes, edges: placedEdges };
}

/** The estimated width of `text` at FONT_SIZE. */
export function textWidth(text: string): number {
  return Math.ceil(text.length * CHAR_WIDTH);
}
