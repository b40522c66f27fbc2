/**
 * The Nx targets of the `demo` project, derived from configs/demo.json: one `nx:run-commands` target per stage
 * running the stage's `a2s …` lines with `{out}` = `data/demo` and `{pop909}` = `$A2S_DEMO_POP909` (default the
 * config's folder). `npx tsx demo/scripts/nx-project.ts --write` rewrites the targets of demo/project.json;
 * demo/tests/project.test.ts checks that the two agree.
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { REPO_ROOT, readPipelineConfig, renderCommand, type PipelineConfig, type StageName } from './pipeline-config.ts';

/** Environment variable naming another POP909-layout input folder for `npm run demo -- --pop909 <dir>`. */
export const POP909_ENV = 'A2S_DEMO_POP909';

/** Source folders each stage's commands run (besides the CLI dispatcher in packages/cli). */
const STAGE_PACKAGES: Record<StageName, readonly string[]> = {
  data: ['dataset'],
  features: ['features', 'dataset'],
  train: ['model', 'features', 'dataset'],
  predict: ['model', 'features', 'dataset'],
  baselines: ['eval', 'features', 'dataset'],
  eval: ['eval', 'features', 'dataset'],
  'eval-audio': ['eval', 'features', 'dataset'],
  report: ['report', 'eval', 'features', 'dataset'],
};

/** The Nx target of one stage (plain JSON, as written in project.json). */
export function stageTarget(config: PipelineConfig, stageIndex: number): Record<string, unknown> {
  const stage = config.stages[stageIndex]!;
  const vars = { out: config.out, pop909: `\${${POP909_ENV}:-${config.pop909}}` };
  const stageConfigs = [...new Set(stage.commands.flatMap((c) => [...c.matchAll(/--config (\S+)/g)].map((m) => m[1]!)))];
  // a model shipped in the repository (`--run packages/…`, the bundled model) is an input too
  const shippedModels = [...new Set(stage.commands.flatMap((c) => [...c.matchAll(/--run (packages\/\S+)/g)].map((m) => m[1]!)))];
  const inputs: unknown[] = [
    ...stageConfigs.map((f) => `{workspaceRoot}/${f}`),
    ...shippedModels.map((d) => `{workspaceRoot}/${d}/**/*`),
    ...['cli', ...STAGE_PACKAGES[stage.name]].map((p) => `{workspaceRoot}/packages/${p}/src/**/*`),
    '{workspaceRoot}/package-lock.json',
    { runtime: 'node --version' },
  ];
  if (stageIndex === 0) {
    inputs.push(`{workspaceRoot}/${config.pop909}/**/*`, { env: POP909_ENV }, { runtime: 'fluidsynth --version' });
  } else {
    inputs.push({ dependentTasksOutputFiles: '**/*', transitive: true });
  }
  return {
    executor: 'nx:run-commands',
    ...(stageIndex > 0 ? { dependsOn: dependsOnOf(config, stageIndex) } : {}),
    inputs,
    outputs: stage.outputs.map((o) => `{workspaceRoot}/${renderCommand(o, vars)}`),
    cache: true,
    options: { commands: stage.commands.map((c) => renderCommand(c, vars)), parallel: false, cwd: '{workspaceRoot}' },
  };
}

/**
 * Stage order: data → features → train → predict; baselines need only the dataset (so retraining does not
 * rerun basic-pitch), eval and eval-audio need predict and baselines, report needs both.
 */
function dependsOnOf(config: PipelineConfig, stageIndex: number): string[] {
  const name = config.stages[stageIndex]!.name;
  if (name === 'baselines') return ['data'];
  if (name === 'eval' || name === 'eval-audio') return ['predict', 'baselines'];
  if (name === 'report') return ['eval', 'eval-audio'];
  return [config.stages[stageIndex - 1]!.name];
}

export async function demoTargets(configFile = 'configs/demo.json'): Promise<Record<string, unknown>> {
  const config = await readPipelineConfig(path.join(REPO_ROOT, configFile));
  return Object.fromEntries(config.stages.map((s, i) => [s.name, stageTarget(config, i)]));
}

if (process.argv.includes('--write')) {
  const file = path.join(REPO_ROOT, 'demo/project.json');
  const project = JSON.parse(await readFile(file, 'utf8')) as { targets: Record<string, unknown> };
  project.targets = { ...(await demoTargets()), ...Object.fromEntries(Object.entries(project.targets).filter(([k]) => ['typecheck', 'test'].includes(k))) };
  await writeFile(file, `${JSON.stringify(project, null, 2)}\n`);
}
