/**
 * Standard library, chapter "read" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const READ_FUNCTIONS: readonly StdlibFunction[] = [];
