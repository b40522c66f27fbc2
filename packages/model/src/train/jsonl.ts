/** The run folder's JSONL files (log.jsonl, validation.jsonl): read, and cut back after a resume. */
import { promises as fs } from 'node:fs';
import { writeFileAtomic } from '@a2s/dataset';

/** A JSONL file's entries; [] when it is missing; a line cut by a kill (half-written JSON) is dropped, not the whole file. */
export async function readJsonl<T>(file: string): Promise<T[]> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return [];
  }
  const out: T[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      out.push(JSON.parse(line) as T);
    } catch {
      // a partial last line of a killed run
    }
  }
  return out;
}

/** Keeps only the entries `keep` accepts (rewritten atomically when any is dropped); returns how many were dropped. */
export async function keepJsonl<T>(file: string, keep: (e: T) => boolean): Promise<number> {
  const all = await readJsonl<T>(file);
  const kept = all.filter(keep);
  if (kept.length < all.length) await writeFileAtomic(file, kept.map((e) => JSON.stringify(e) + '\n').join(''));
  return all.length - kept.length;
}
