/**
 * Standard library, chapter "string-array" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const STRING_ARRAY_FUNCTIONS: readonly StdlibFunction[] = [];
