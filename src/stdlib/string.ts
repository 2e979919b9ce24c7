/**
 * Standard library, chapter "string" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const STRING_FUNCTIONS: readonly StdlibFunction[] = [];
