import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';

/** One non-blank line of a JSONL file: its parsed value, or `invalid` when it is not JSON (e.g. a killed run's half-written last line). */
export type JsonlLine = { lineNo: number; json: unknown } | { lineNo: number; invalid: true };

/** The non-blank lines of a JSONL file, numbered from 1, parsed one at a time. */
export async function* jsonlLines(path: string): AsyncGenerator<JsonlLine> {
  const lines = createInterface({ input: createReadStream(path, 'utf8'), crlfDelay: Infinity });
  let lineNo = 0;
  for await (const line of lines) {
    lineNo++;
    if (line.trim() === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      yield { lineNo, invalid: true };
      continue;
    }
    yield { lineNo, json };
  }
}
