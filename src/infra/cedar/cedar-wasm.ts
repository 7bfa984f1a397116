import { setFlagsFromString } from 'node:v8';
import * as wasm from '@cedar-policy/cedar-wasm/nodejs';

/**
 * V8 flag this binding sets before any Cedar call is optimized. Node 20's V8 inlines calls into WebAssembly
 * exports into optimized JavaScript; when such a caller is deoptimized lazily while Cedar runs (Cedar's bindings
 * call back into JavaScript to build its answers, which can invalidate what the caller was optimized for), the
 * deoptimizer cannot rebuild the frame of a call returning a JavaScript object (`externref`, as every
 * @cedar-policy/cedar-wasm export does) and aborts the process ("Fatal error ... unreachable code" in
 * Deoptimizer::DoComputeBuiltinContinuation). Plans of large bundles did this. Without inlining, such calls go
 * through V8's generic wrapper, whose frames deoptimize normally.
 */
export const NO_JS_WASM_INLINING = '--no-turbo-inline-js-wasm-calls';

setFlagsFromString(NO_JS_WASM_INLINING);

/** @cedar-policy/cedar-wasm, safe to call from hot code: the only way src/ reaches Cedar. */
export import cedar = wasm;
