import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { isRelativeSchedule, scheduleProgress, scheduleValue } from '../../src/config/model-config.ts';
import { PRESET_NAMES } from '../../src/config/presets.ts';
import { resolveTrainConfig, stageLength, stageSchedules, type ResolvedTrainConfig } from '../../src/config/train-config.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');

/** Every JSON file under `dir` (recursively), skipping node_modules and data. */
async function jsonFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory() && e.name !== 'node_modules' && e.name !== 'data') out.push(...(await jsonFiles(p)));
    else if (e.isFile() && e.name.endsWith('.json')) out.push(p);
  }
  return out;
}

/** A training config (TrainConfigSchema) as opposed to a pipeline, ablation, dataset, feature or report config. */
function isTrainConfig(j: unknown): boolean {
  if (typeof j !== 'object' || j === null || Array.isArray(j)) return false;
  const o = j as Record<string, unknown>;
  if ('variants' in o || 'commands' in o || 'pop909' in o) return false;
  if (Array.isArray(o.stages)) return o.stages.every((s) => typeof s === 'object' && s !== null && 'lr' in s);
  return 'preset' in o && 'model' in o;
}

/** Failures: every schedule of every stage must end ≥ 95 % of the way from its start value to its target. */
function incompleteSchedules(cfg: ResolvedTrainConfig): string[] {
  const bad: string[] = [];
  for (const stage of cfg.stages) {
    const known = stageLength(stage, null);
    for (const [name, s] of stageSchedules(stage)) {
      if (s.type === 'constant') continue;
      // a relative schedule's end value does not depend on the stage's length
      const len = known ?? (isRelativeSchedule(s) ? 1000 : null);
      if (len === null) {
        bad.push(`${stage.name}.${name}: absolute schedule in a stage of unknown length (no maxSteps)`);
        continue;
      }
      const progress = scheduleProgress(s, len, len);
      if (!(progress >= 0.95)) bad.push(`${stage.name}.${name}: ends at ${(100 * progress).toFixed(1)} % of its way to ${s.to} after ${len} steps`);
    }
  }
  return bad;
}

describe('schedules relative to the stage', () => {
  it('relative sigmoids scale with the stage; absolute ones keep their steps', () => {
    const rel = { type: 'sigmoid', from: 0, to: 0.5 } as const;
    for (const len of [100, 6000, 300_000]) {
      expect(scheduleValue(rel, len / 2, len)).toBeCloseTo(0.25, 10);
      expect(scheduleValue(rel, 0, len)).toBeCloseTo(0.5 / (1 + Math.exp(5)), 10);
      expect(scheduleValue(rel, len, len)).toBeCloseTo(0.5 / (1 + Math.exp(-5)), 10);
    }
    const custom = { type: 'sigmoid', from: 0.8, to: 0.3, mid: 0.25, scale: 0.05 } as const;
    expect(scheduleValue(custom, 250, 1000)).toBeCloseTo(0.55, 10);
    const abs = { type: 'sigmoid', from: 0, to: 0.01, midStep: 12500, scaleSteps: 2500 } as const;
    expect(scheduleValue(abs, 12500, 100)).toBeCloseTo(0.005, 10);
    expect(scheduleProgress(abs, 6000, 6000)).toBeLessThan(0.1);
    expect(() => scheduleValue(rel, 5)).toThrow(/needs the stage length/);
  });

  it('every stage of every preset and variant reaches ≥ 95 % of its target weights', () => {
    for (const preset of PRESET_NAMES) {
      for (const variant of ['full', 'nochd', 'supervised', 'supervised+kl']) {
        expect(incompleteSchedules(resolveTrainConfig({ preset, model: { variant } })), `${preset}/${variant}`).toEqual([]);
      }
    }
  });

  it('every stage of every shipped training config reaches ≥ 95 % of its target weights', async () => {
    const files = [...(await jsonFiles(path.join(ROOT, 'configs'))), ...(await jsonFiles(path.join(ROOT, 'experiments'))), ...(await jsonFiles(path.join(ROOT, 'packages', 'model', 'bench')))];
    let checked = 0;
    for (const f of files) {
      const j = JSON.parse(await fs.readFile(f, 'utf8')) as unknown;
      if (!isTrainConfig(j)) continue;
      checked++;
      expect(incompleteSchedules(resolveTrainConfig(j)), path.relative(ROOT, f)).toEqual([]);
    }
    expect(checked).toBeGreaterThanOrEqual(11);
  });

  it('the old absolute schedules of a short stage would fail the check (the check can fail)', () => {
    const cfg = resolveTrainConfig({
      preset: 'tiny',
      stages: [{ name: 'warmup', maxSteps: 800, lr: 1e-3, kl: { chd: { type: 'sigmoid', from: 0, to: 0.01, midStep: 12500, scaleSteps: 2500 }, aud: { type: 'constant', value: 0 }, sym: { type: 'constant', value: 0 } } }],
    });
    expect(incompleteSchedules(cfg)[0]).toMatch(/warmup\.kl\.chd: ends at 0\.9 %/);
  });
});
