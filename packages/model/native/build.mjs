#!/usr/bin/env node
// Builds native/build/a2s_native.node (the native kernels for the wasm backend: OpenBLAS sgemm for BatchMatMul,
// the fused GRU, the row sums and Adam; see README "Native matrix products"): g++ against Node's own Node-API headers
// and -lopenblas (Debian: g++, libopenblas-dev). Writes to a temporary name, then renames. Exit 1 with the
// compiler's message on failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.join(here, 'build', 'a2s_native.node');
const headers = [path.join(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((d) =>
  existsSync(path.join(d, 'node_api.h')),
);
if (!headers) {
  process.stderr.write('native/build.mjs: no node_api.h next to this Node.js or in /usr/include/node: cannot build the native kernels\n');
  process.exit(1);
}
// gru.cc with -ffast-math: its gate loops then call glibc's vector exp (libmvec), and it clamps their arguments.
// sum.cc and adam.cc without, and adam.cc without fused multiply-add: their results are bit-identical to the
// TypeScript they replace (src/tf/wasm-sum.ts, src/train/adam.ts)
const sources = [
  ['sgemm.cc', []],
  ['gru.cc', ['-ffast-math']],
  ['sum.cc', []],
  ['adam.cc', ['-ffp-contract=off']],
];
mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.tmp-${process.pid}`;
const objects = sources.map(([f]) => `${tmp}.${path.basename(f, '.cc')}.o`);
try {
  sources.forEach(([f, flags], i) =>
    execFileSync('g++', ['-O3', ...flags, '-fPIC', '-Wall', `-I${headers}`, '-c', path.join(here, f), '-o', objects[i]], { stdio: ['ignore', 'inherit', 'inherit'] }),
  );
  execFileSync('g++', ['-shared', ...objects, '-lopenblas', '-o', tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(tmp, out);
} catch (err) {
  rmSync(tmp, { force: true });
  process.stderr.write(`native/build.mjs: building ${out} failed (needs g++ and OpenBLAS: apt-get install g++ libopenblas-dev): ${err.message}\n`);
  process.exit(1);
} finally {
  for (const o of objects) rmSync(o, { force: true });
}
process.stdout.write(`native kernels: built ${path.relative(process.cwd(), out)}\n`);
