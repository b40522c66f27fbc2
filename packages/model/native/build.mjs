#!/usr/bin/env node
// Builds native/build/a2s_sgemm.node (OpenBLAS sgemm for the wasm backend's BatchMatMul; see README
// "Native matrix products"): g++ against Node's own Node-API headers and -lopenblas (Debian: g++,
// libopenblas-dev). Writes to a temporary name, then renames. Exit 1 with the compiler's message on failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const out = path.join(here, 'build', 'a2s_sgemm.node');
const headers = [path.join(path.dirname(process.execPath), '..', 'include', 'node'), '/usr/include/node'].find((d) =>
  existsSync(path.join(d, 'node_api.h')),
);
if (!headers) {
  process.stderr.write('native/build.mjs: no node_api.h next to this Node.js or in /usr/include/node: cannot build the native sgemm\n');
  process.exit(1);
}
mkdirSync(path.dirname(out), { recursive: true });
const tmp = `${out}.tmp-${process.pid}`;
try {
  execFileSync('g++', ['-O2', '-shared', '-fPIC', '-Wall', `-I${headers}`, path.join(here, 'sgemm.cc'), '-lopenblas', '-o', tmp], { stdio: ['ignore', 'inherit', 'inherit'] });
  renameSync(tmp, out);
} catch (err) {
  rmSync(tmp, { force: true });
  process.stderr.write(`native/build.mjs: building ${out} failed (needs g++ and OpenBLAS: apt-get install g++ libopenblas-dev): ${err.message}\n`);
  process.exit(1);
}
process.stdout.write(`native sgemm: built ${path.relative(process.cwd(), out)}\n`);
