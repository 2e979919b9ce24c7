/**
 * Standard library, chapter "map" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const MAP_FUNCTIONS: readonly StdlibFunction[] = [];
