import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../../src/train/checkpoint.ts';
import { SMALL_MODEL_DIR } from '../../src/arrange/cli.ts';

/** A copy of the bundled model whose header's parallel decoder section is edited by `edit`. */
async function bundledCopy(edit: (parallel: Record<string, unknown>) => void): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'a2s-compat-'));
  const header = JSON.parse(await fs.readFile(path.join(SMALL_MODEL_DIR, 'header.json'), 'utf8'));
  edit(header.config.model.parallel);
  await fs.writeFile(path.join(dir, 'header.json'), JSON.stringify(header));
  await fs.copyFile(path.join(SMALL_MODEL_DIR, 'tensors.bin'), path.join(dir, 'tensors.bin'));
  return dir;
}

describe('checkpoints written before decoder options were removed', () => {
  it('load when the removed option was off (a2s-small, bundled before a2s-band, records stepContext none)', async () => {
    const header = JSON.parse(await fs.readFile(path.join(SMALL_MODEL_DIR, 'header.json'), 'utf8'));
    expect(header.config.model.parallel.stepContext).toBe('none');
    const ck = await loadCheckpoint(SMALL_MODEL_DIR);
    expect(ck.header.config.model.parallel).not.toHaveProperty('stepContext');
    expect(ck.header.config.model.parallel.slotContext).toBe('causal-pitch');
  });

  it('are refused with a clear message when they used it', async () => {
    const dir = await bundledCopy((p) => (p.stepContext = 'previous'));
    await expect(loadCheckpoint(dir)).rejects.toThrow(/parallel\.stepContext 'previous', which was removed after the decoder comparison measured it worse \(experiments\/decoder-compare\)/);
  });
});
