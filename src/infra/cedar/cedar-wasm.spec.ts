import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * A child Node process (with `--allow-natives-syntax`, to force what a long plan does by chance) optimizes a
 * function calling Cedar, then deoptimizes it while Cedar is running: Cedar reads a getter of the request, as it
 * reads every request field, and the getter deoptimizes the caller. `binding` picks how Cedar is loaded.
 */
function deoptimizeDuringCedarCall(binding: 'ours' | 'raw') {
  const script = `
    const path = ${JSON.stringify(join(__dirname, 'cedar-wasm.ts'))};
    let cedar;
    if (${JSON.stringify(binding)} === 'ours') {
      const Module = require('node:module');
      const { code } = require('@swc/core').transformFileSync(path, { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } });
      const m = new Module(path);
      m.paths = Module._nodeModulePaths(${JSON.stringify(__dirname)});
      m._compile(code, path);
      cedar = m.exports.cedar;
    } else {
      cedar = require('@cedar-policy/cedar-wasm/nodejs');
    }
    function caller(call) { return cedar.isAuthorized(call).type; }
    const base = { principal: { type: 'User', id: 'a' }, action: { type: 'Action', id: 'ssh' }, resource: { type: 'Host', id: 'h' },
      context: {}, policies: { staticPolicies: 'permit(principal, action, resource);' }, entities: [] };
    %PrepareFunctionForOptimization(caller);
    for (let i = 0; i < 2000; i += 1) caller(base);
    %OptimizeFunctionOnNextCall(caller);
    caller(base);
    const trap = { ...base };
    Object.defineProperty(trap, 'context', { enumerable: true, get() { %DeoptimizeFunction(caller); return {}; } });
    process.stdout.write(caller(trap));`;
  return spawnSync(process.execPath, ['--allow-natives-syntax', '-e', script], { cwd: join(__dirname, '..', '..', '..'), encoding: 'utf8', timeout: 60_000 });
}

describe('Cedar binding', () => {
  it('survives a caller deoptimized while Cedar runs', () => {
    const run = deoptimizeDuringCedarCall('ours');
    expect(run.stderr).not.toContain('Fatal error');
    expect(run.status).toBe(0);
    expect(run.stdout).toBe('success');
  });

  // What the binding guards against (V8 of Node 20). When a Node release no longer aborts here, the guard can go.
  it('without it, the same calls abort the process', () => {
    const run = deoptimizeDuringCedarCall('raw');
    expect(run.stderr).toContain('Fatal error');
    expect(run.status).not.toBe(0);
  });
});
