/**
 * Standard library, chapter "numeric" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const NUMERIC_FUNCTIONS: readonly StdlibFunction[] = [];
