// Preloaded (`node --require`) into every Prism this package starts. Its stdin is a pipe from the
// process that started it, which never writes to it: when the pipe ends, that process is gone,
// whatever ended it (Ctrl-C, SIGKILL, a crash, stop() never reached), so this Prism exits too
// instead of serving on as an orphan. Prism itself never reads stdin; nothing of Prism is touched.
'use strict';

const exit = () => process.exit(0);
process.stdin.once('end', exit).once('error', exit).resume();
