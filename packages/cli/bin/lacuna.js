#!/usr/bin/env node
// The `lacuna` command: the compiled CLI (`npm run build`, run by `npm ci` through `prepare`).
import '../dist/main.js';
