// Compares two V8 heap snapshots (.heapsnapshot, e.g. from BENCH_HEAP_SNAPSHOTS in bench/memory.js): objects grouped
// by constructor or kind, with their count and shallow size in each and the difference, largest growth first.
// Usage: node bench/heap-diff.js before.heapsnapshot after.heapsnapshot [rows=40]
const { readFileSync } = require('node:fs');

function summarize(file) {
  const snapshot = JSON.parse(readFileSync(file, 'utf8'));
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const width = fields.length;
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((f) => fields.indexOf(f));
  const groups = new Map();
  const { nodes, strings } = snapshot;
  let total = 0;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt]];
    const size = nodes[i + sizeAt];
    // Objects by constructor; strings, code, arrays and the rest by kind (their names are contents, not types).
    const name = type === 'object' || type === 'closure' || type === 'native' ? `${type} ${strings[nodes[i + nameAt]]}` : `(${type})`;
    const group = groups.get(name) ?? { count: 0, size: 0 };
    group.count += 1;
    group.size += size;
    total += size;
    groups.set(name, group);
  }
  return { groups, total, count: nodes.length / width };
}

const [beforeFile, afterFile, rows = '40'] = process.argv.slice(2);
const before = summarize(beforeFile);
const after = summarize(afterFile);
const names = new Set([...before.groups.keys(), ...after.groups.keys()]);
const rowsOut = [...names]
  .map((name) => {
    const b = before.groups.get(name) ?? { count: 0, size: 0 };
    const a = after.groups.get(name) ?? { count: 0, size: 0 };
    return { name, b, a, dSize: a.size - b.size, dCount: a.count - b.count };
  })
  .sort((x, y) => y.dSize - x.dSize);
const mb = (bytes) => (bytes / 1024 / 1024).toFixed(2);
console.log(`total: ${mb(before.total)} MB in ${before.count} objects -> ${mb(after.total)} MB in ${after.count} objects`);
console.log('| group | count before | count after | Δ count | MB before | MB after | Δ MB |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rowsOut.slice(0, Number(rows))) {
  console.log(`| ${r.name.slice(0, 60)} | ${r.b.count} | ${r.a.count} | ${r.dCount} | ${mb(r.b.size)} | ${mb(r.a.size)} | ${mb(r.dSize)} |`);
}
