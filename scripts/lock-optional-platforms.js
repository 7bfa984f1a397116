#!/usr/bin/env node
// This workplace's npm registry serves only the packages for its own platform, so `npm install` leaves the other
// platforms' optional binaries (@swc/core-darwin-arm64, ...) out of package-lock.json and `npm ci` then refuses the
// lock as "out of sync". This adds the entries npm would have written elsewhere: optional, with os/cpu, so npm ci
// skips them here and installs them on the platforms they are for. Run after any `npm install`.
const fs = require('node:fs');
const path = require('node:path');

const file = path.join(__dirname, '..', 'package-lock.json');
const lock = JSON.parse(fs.readFileSync(file, 'utf8'));
const OS = ['darwin', 'linux', 'win32', 'freebsd', 'android', 'openharmony', 'sunos', 'aix', 'netbsd', 'openbsd'];
const CPU = { x64: 'x64', arm64: 'arm64', aarch64: 'arm64', arm: 'arm', ia32: 'ia32', ppc64: 'ppc64', ppc64le: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', wasm32: 'wasm32', universal: null };
let added = 0;
for (const [where, entry] of Object.entries(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const base = where === '' ? '' : `${where}/`;
    const candidates = [`${base}node_modules/${name}`, `node_modules/${name}`];
    if (candidates.some((key) => lock.packages[key])) continue;
    const parts = name.split(/[/-]/);
    const os = parts.find((p) => OS.includes(p));
    const cpuToken = parts.find((p) => p in CPU);
    if (!os && !cpuToken) continue;
    const record = { version: version.replace(/^[\^~]/, ''), optional: true };
    if (entry.dev) record.dev = true;
    if (os) record.os = [os];
    if (cpuToken && CPU[cpuToken]) record.cpu = [CPU[cpuToken]];
    lock.packages[`node_modules/${name}`] = record;
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : 1)));
fs.writeFileSync(file, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`added ${added} optional platform entries`);
