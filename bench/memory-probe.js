// Preloaded into a service process by bench/memory.js (`node --expose-gc -r bench/memory-probe.js`); the service
// itself is not changed. It writes the process's memory breakdown to the JSON file named by BENCH_MEMORY_PROBE:
// - `latest`, once a second: RSS, V8 heap (heapUsed/heapTotal), memory outside the heap held for JavaScript objects
//   (external, arrayBuffers), and each WebAssembly linear memory (Cedar's and Prisma's query compiler's, which never
//   shrink once grown; counted by wrapping the constructor before any module creates an instance);
// - `collected`, on SIGUSR2: the same right after a full garbage collection, so that samples taken at different
//   points of V8's collection cycle compare what the process keeps, not how much garbage waited to be collected.
//   With BENCH_HEAP_SNAPSHOTS=<dir> it then also writes a heap snapshot there.
const { writeFileSync, renameSync } = require('node:fs');
const path = require('node:path');
const v8 = require('node:v8');

const target = process.env.BENCH_MEMORY_PROBE;
if (target) {
  const memories = [];
  const Original = WebAssembly.Instance;
  WebAssembly.Instance = new Proxy(Original, {
    construct(Target, args, newTarget) {
      const instance = Reflect.construct(Target, args, newTarget);
      for (const value of Object.values(instance.exports)) if (value instanceof WebAssembly.Memory) memories.push(value);
      return instance;
    },
  });
  const measure = () => ({
    ...process.memoryUsage(),
    wasm: memories.map((memory) => memory.buffer.byteLength),
    // Per V8 heap space: committed and used bytes (which space keeps pages it no longer uses).
    spaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((space) => [space.space_name, [space.space_size, space.space_used_size]])),
    at: Date.now(),
  });
  const state = { latest: measure(), collected: null, collections: 0 };
  const write = () => {
    writeFileSync(`${target}.tmp`, JSON.stringify(state));
    renameSync(`${target}.tmp`, target);
  };
  setInterval(() => {
    state.latest = measure();
    write();
  }, 1000).unref();
  process.on('SIGUSR2', () => {
    if (typeof global.gc === 'function') global.gc();
    state.collections += 1;
    state.collected = measure();
    state.latest = state.collected;
    write();
    const dir = process.env.BENCH_HEAP_SNAPSHOTS;
    if (dir) v8.writeHeapSnapshot(path.join(dir, `${process.env.PROCESS_ROLE ?? 'service'}-${process.pid}-${state.collections}.heapsnapshot`));
  });
  write();
}
