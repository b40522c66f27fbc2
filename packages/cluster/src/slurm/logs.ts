import { open, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** The last `lines` lines of a text file (reads at most its last 64 KiB); '' when the file is missing. */
export async function tailFile(path: string, lines = 20): Promise<string> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch {
    return '';
  }
  try {
    const size = (await fh.stat()).size;
    const length = Math.min(size, 65536);
    const buf = Buffer.alloc(length);
    await fh.read(buf, 0, length, size - length);
    const all = buf.toString('utf8').replace(/\r/g, '\n').split('\n').filter((l) => l.trim().length > 0);
    return all.slice(-lines).join('\n');
  } finally {
    await fh.close();
  }
}

/** The newest `.out` file in a task's log folder (its latest attempt), or null. */
export async function latestLog(dir: string): Promise<string | null> {
  const names = (await readdir(dir).catch(() => [] as string[])).filter((n) => n.endsWith('.out'));
  let best: { path: string; mtime: number } | null = null;
  for (const n of names) {
    const path = join(dir, n);
    const m = (await stat(path)).mtimeMs;
    if (!best || m > best.mtime) best = { path, mtime: m };
  }
  return best?.path ?? null;
}
