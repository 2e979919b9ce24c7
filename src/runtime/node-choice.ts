/**
 * Which node an admitted attempt runs on, when the backend has several
 * (swarm): the resource pool (./resource-pool.ts) asks this among the nodes
 * that have room for the request now. Pure.
 *
 * In order of preference:
 * 1. the node of the engine wdlrun talks to: only there can wdlrun follow a
 *    container's usage, see an out-of-memory kill, and copy back files the
 *    task wrote outside its mounted folders;
 * 2. for a request without GPUs, a node with fewer GPUs (keeping GPU nodes'
 *    CPUs and memory for the tasks that need their GPUs);
 * 3. the node with the most free CPUs, then the most free memory;
 * 4. the first in the backend's order.
 */
import type { NodeCapacity } from "../backends/backend.js";

/** What one node has free now. */
export interface NodeRoom {
  readonly node: NodeCapacity;
  readonly freeCpu: number;
  readonly freeMemory: number;
}

const EPS = 1e-9;

/** The index in `rooms` (all with room for the request) of the node to use. */
export function chooseNode(gpuCount: number, rooms: readonly NodeRoom[]): number {
  let best = 0;
  for (let i = 1; i < rooms.length; i++) if (better(gpuCount, rooms[i]!, rooms[best]!)) best = i;
  return best;
}

function better(gpuCount: number, a: NodeRoom, b: NodeRoom): boolean {
  if ((a.node.local === true) !== (b.node.local === true)) return a.node.local === true;
  if (gpuCount === 0 && a.node.gpuIds.length !== b.node.gpuIds.length) return a.node.gpuIds.length < b.node.gpuIds.length;
  if (Math.abs(a.freeCpu - b.freeCpu) > EPS) return a.freeCpu > b.freeCpu;
  return a.freeMemory > b.freeMemory;
}
