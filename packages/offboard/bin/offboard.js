#!/usr/bin/env node
// The `offboard` command: a committed shim, so the bin exists before the first build.
import { main } from '../dist/cli.js';

process.exitCode = await main(process.argv.slice(2));
