import { readSegments } from '@a2s/dataset';
import { readPredictionFolder } from '@a2s/eval';
function stats(name: string, rows: { notes: { onsetStep: number; durationSteps: number; pitch: number; track?: string }[] }[]) {
  let n = 0, dur = 0, onsetSteps = 0, steps = 0; const durHist = new Map<number, number>(); const perStep = new Map<number, number>();
  for (const r of rows) {
    const notes = r.notes.filter((x) => x.track !== 'MELODY');
    n += notes.length; steps += 32;
    const on = new Map<number, number>();
    for (const x of notes) { dur += x.durationSteps; durHist.set(x.durationSteps, (durHist.get(x.durationSteps) ?? 0) + 1); on.set(x.onsetStep, (on.get(x.onsetStep) ?? 0) + 1); }
    onsetSteps += on.size;
    for (const c of on.values()) perStep.set(c, (perStep.get(c) ?? 0) + 1);
  }
  const top = [...durHist].sort((a, b) => b[1] - a[1]).slice(0, 6).map(([d, c]) => `${d}:${(c / n).toFixed(2)}`).join(' ');
  const ps = [...perStep].sort((a, b) => a[0] - b[0]).map(([k, c]) => `${k}:${(c / onsetSteps).toFixed(2)}`).join(' ');
  console.log(`${name.padEnd(40)} notes/seg ${(n / rows.length).toFixed(1)} meanDur ${(dur / n).toFixed(2)} onsetSteps/seg ${(onsetSteps / rows.length).toFixed(1)} | dur ${top} | notes/onset ${ps}`);
}
const ref = await readSegments('data/bench/features-dataset-50/manifest.json', { split: 'test' });
stats('reference', ref);
for (const d of process.argv.slice(2)) stats(d.replace('data/runs/', ''), (await readPredictionFolder(d)).rows);
