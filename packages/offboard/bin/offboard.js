#!/usr/bin/env node
// The `offboard` command: a committed shim, so the bin exists before the first build.
import { setFlagsFromString } from 'node:v8';

// A batch allocates steadily for minutes while its live heap stays small (~25 MB for 10,000
// targets); by default V8 then lets the heap grow to several times that before collecting.
// Favouring size keeps the peak RSS of a 10,000-target batch near 110 MB instead of ~175 MB, at
// the same throughput (tools/bench). V8 reads this flag as it sizes the heap, so setting it here,
// before any work, takes effect.
setFlagsFromString('--optimize-for-size');

const { main } = await import('../dist/cli.js');
process.exitCode = await main(process.argv.slice(2));
