/**
 * The worker thread that runs ELK's layouts for ./layout.ts: loading elkjs
 * and laying out a large graph are hundreds of milliseconds of CPU, which on
 * the main thread would stall a run's first container starts (the report is
 * drawn while the run goes on). It answers each `{ id, graph }` message with
 * `{ id, graph }` laid out, or `{ id, error }`.
 */
import { parentPort } from "node:worker_threads";
import type { ElkNode } from "elkjs/lib/elk-api.js";
import { loadElk } from "./elk-load.js";

/** A layout asked of the thread. */
export interface LayoutAsk {
  readonly id: number;
  readonly graph: ElkNode;
}

/** The thread's answer to one `LayoutAsk`. */
export type LayoutAnswer = { readonly id: number; readonly graph: ElkNode } | { readonly id: number; readonly error: string };

const port = parentPort;
if (port) {
  const { elk, storeCodeCache } = loadElk();
  port.on("message", (ask: LayoutAsk) => {
    elk.layout(ask.graph).then(
      (graph) => {
        // Before the answer: the process may end as soon as it has it (a one-time cost, when there was no cache).
        storeCodeCache();
        port.postMessage({ id: ask.id, graph } satisfies LayoutAnswer);
      },
      (e: unknown) => port.postMessage({ id: ask.id, error: e instanceof Error ? e.message : String(e) } satisfies LayoutAnswer),
    );
  });
}
