#!/usr/bin/env node
// Entry shim: runs the bundled CLI (npm's "prepare" builds dist/ and dist/bundle/ on install).
import "../dist/bundle/main.js";
