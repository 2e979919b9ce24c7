/**
 * Standard library, chapter "array" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const ARRAY_FUNCTIONS: readonly StdlibFunction[] = [];
