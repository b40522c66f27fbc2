import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DatasetConfigSchema } from '@a2s/dataset';
import { expandMatrix, readMatrix } from '@a2s/eval';
import { FeatureConfigSchema } from '@a2s/features';
import { resolveTrainConfig } from '@a2s/model';
import { ReportOptionsSchema } from '@a2s/report';
import { demoTargets } from '../scripts/nx-project.ts';
import { REPO_ROOT, readPipelineConfig, renderCommand } from '../scripts/pipeline-config.ts';

const PIPELINES = ['configs/demo.json', 'configs/pop909-small.json', 'configs/pop909-band.json'];

async function readJson(rel: string): Promise<unknown> {
  return JSON.parse(await readFile(path.join(REPO_ROOT, rel), 'utf8'));
}

/** `--config <file>` of every command of a stage. */
function configFiles(commands: readonly string[]): string[] {
  return commands.flatMap((c) => [...c.matchAll(/--config (\S+)/g)].map((m) => m[1]!));
}

describe('pipeline configs', () => {
  it.each(PIPELINES)('%s names every stage once, in order, and its stage configs validate', async (file) => {
    const config = await readPipelineConfig(path.join(REPO_ROOT, file));
    expect(config.stages.map((s) => s.name)).toEqual(['data', 'features', 'train', 'predict', 'baselines', 'eval', 'eval-audio', 'report']);
    for (const stage of config.stages) {
      for (const rel of configFiles(stage.commands)) {
        const raw = await readJson(rel);
        if (stage.name === 'data') expect(DatasetConfigSchema.safeParse(raw).error).toBeUndefined();
        if (stage.name === 'features') expect(FeatureConfigSchema.safeParse(raw).error).toBeUndefined();
        if (stage.name === 'train') expect(resolveTrainConfig(raw).stages.map((s) => s.name)).toEqual(['warmup', 'pretrain', 'dropscore', 'autoregressive']);
        if (stage.name === 'report') expect(ReportOptionsSchema.safeParse(raw).error).toBeUndefined();
      }
    }
    const baselines = config.stages.find((s) => s.name === 'baselines')!.commands.join('\n');
    for (const system of ['gt', 'gt-chords-pattern', 'chord-template', 'basic-pitch']) expect(baselines).toContain(`--system ${system}`);
  });

  it('the demo bounds training: every stage has a step cap, 1100 steps in all', async () => {
    const train = resolveTrainConfig(await readJson('configs/demo/train.json'));
    expect(train.preset).toBe('small');
    expect(train.stages.map((s) => s.maxSteps)).toEqual([800, 100, 100, 100]);
  });

  it('demo/project.json runs exactly the commands of configs/demo.json (regenerate with `npx tsx demo/scripts/nx-project.ts --write`)', async () => {
    const project = (await readJson('demo/project.json')) as { targets: Record<string, unknown> };
    const expected = await demoTargets();
    for (const [name, target] of Object.entries(expected)) expect(project.targets[name], name).toEqual(target);
  });

  it('renderCommand substitutes placeholders and runs the CLI through node', () => {
    expect(renderCommand('rm -rf {out}/x && a2s train --run-dir {out}/x', { out: 'data/demo' })).toBe(
      'rm -rf data/demo/x && node packages/cli/bin/a2s.mjs train --run-dir data/demo/x',
    );
    expect(() => renderCommand('a2s eval --out {nope}', { out: 'x' })).toThrow(/unknown placeholder \{nope\}/);
  });
});

describe('ablation configs', () => {
  it('configs/ablation-demo.json expands to baselines + one a2s cell per corruption and seed, each with a valid training config', async () => {
    const matrix = await readMatrix(path.join(REPO_ROOT, 'configs/ablation-demo.json'));
    const cells = expandMatrix(matrix);
    expect(cells.filter((c) => c.system.name === 'a2s')).toHaveLength(matrix.variants.length * matrix.seeds.length);
    for (const variant of matrix.variants) {
      const file = /--config (\S+)/.exec(variant.args)![1]!;
      await access(path.join(REPO_ROOT, file));
      const train = resolveTrainConfig(await readJson(file));
      expect(train.stages.find((s) => s.name === 'pretrain')!.corruption.type).toBe((variant.params as { type: string }).type);
    }
  });

  it('configs/ablation-variants.json has one a2s cell per model variant, each config selecting that variant', async () => {
    const matrix = await readMatrix(path.join(REPO_ROOT, 'configs/ablation-variants.json'));
    expect(expandMatrix(matrix)).toHaveLength(4);
    const seen: string[] = [];
    for (const variant of matrix.variants) {
      const file = /--config (\S+)/.exec(variant.args)![1]!;
      const train = resolveTrainConfig(await readJson(file));
      expect(train.model.variant).toBe((variant.params as { variant: string }).variant);
      seen.push(train.model.variant);
    }
    expect(seen.sort()).toEqual(['full', 'nochd', 'supervised', 'supervised+kl']);
  });
});
