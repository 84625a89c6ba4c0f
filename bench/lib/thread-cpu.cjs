// Per-thread CPU time of a Node process, printed to stderr as it exits (Linux: /proc only).
//   node -r ./bench/lib/thread-cpu.cjs bin/ztait.js check DIR --format json -o /dev/null
// Threads are listed in creation order: the main thread, V8's platform threads (background
// compilation and GC; created at start-up), then the threads started later (parse workers,
// libuv's pool). How bench/README.md found that V8's background threads used as much CPU as the
// parse workers.
const { readdirSync, readFileSync } = require('node:fs');

process.on('exit', () => {
  let tasks;
  try {
    tasks = readdirSync('/proc/self/task');
  } catch {
    return; // not Linux
  }
  const tick = 10; // ms per clock tick (USER_HZ is 100 on Linux)
  const rows = [];
  for (const tid of tasks.map(Number).sort((a, b) => a - b)) {
    try {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = (Number(fields[11]) + Number(fields[12])) * tick; // utime + stime
      rows.push(`${tid === process.pid ? 'main' : tid} ${name} ${ms} ms`);
    } catch {
      // the thread ended meanwhile
    }
  }
  process.stderr.write(`thread CPU: ${rows.join(', ')}\n`);
});
