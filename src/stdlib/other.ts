/**
 * Standard library, chapter "other" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const OTHER_FUNCTIONS: readonly StdlibFunction[] = [];
