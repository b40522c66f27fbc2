import { describe, expect, it } from 'vitest';
import { selectBackend, WEBGPU_PACKAGES } from '../../src/tf/backend.ts';

/** Whether the optional webgpu packages resolve here (npm ci never installs them; CI has neither). */
async function installed(): Promise<boolean> {
  try {
    const name: string = 'webgpu';
    await import(/* @vite-ignore */ name);
    return true;
  } catch {
    return false;
  }
}

const haveWebgpu = await installed();

describe('the webgpu backend (optional)', () => {
  it.skipIf(haveWebgpu)('without its packages fails naming them and how to install them', async () => {
    await expect(selectBackend('webgpu')).rejects.toThrow(`backend "webgpu" needs ${WEBGPU_PACKAGES.join(' and ')} (npm install --no-save`);
  });
});
