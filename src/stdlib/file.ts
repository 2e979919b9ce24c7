/**
 * Standard library, chapter "file" (being implemented).
 */
import type { StdlibFunction } from "./define.js";

/** The functions of this chapter. */
export const FILE_FUNCTIONS: readonly StdlibFunction[] = [];
