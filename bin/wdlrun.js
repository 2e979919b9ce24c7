#!/usr/bin/env node
// Entry shim: runs the compiled CLI (npm's "prepare" builds dist/ on install).
import "../dist/cli/main.js";
