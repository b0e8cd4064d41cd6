#!/usr/bin/env node
// Installed before the build runs, so the bin link exists on a fresh install; the code is compiled.
import '../dist/src/bin.js';
