/**
 * Per-item cost of the IP pipeline's own work, in-process, for each committed model version: the rules
 * (decide: non-routable, known service) and the feature row, on random globally routable addresses
 * enriched once beforehand (the geo lookup is the same for every version and is measured by
 * ip-lookup-cost.ts). Then the model's cost per row in batches of 1,000, which grows with the row width.
 *
 *   npx tsx src/bench/ip-feature-cost.ts [count] [versions, default 1,2] [extra features versions, e.g. ip/3]
 *
 * Each version is scored with its own features version's code (pipelineForFeatures), not the newest.
 * An extra features version (the third argument) is measured with the newest committed version's
 * reputation tables: ip/3 reads the same tables as ip/2, so its cost can be measured before a model exists
 * (the model line is then the table owner's model, only its rules + features figure is ip/3's).
 *
 * "Before" figures for a change: run the same script in a checkout of the older code (its versions).
 */
import { join } from 'node:path';
import type { IpFeatureAssets, IpIndicator } from '../indicators/ip/features';
import { createGeoLookup } from '../indicators/ip/geo';
import { parseIp } from '../indicators/ip/parse';
import { loadModel } from '../scoring/loaded-model';
import { type AnyPipeline, pipelineForFeatures } from '../scoring/pipeline';
import { ipPipeline } from '../scoring/pipelines/ip';

const count = Number(process.argv[2] ?? 200_000);
const versions = (process.argv[3] ?? '1,2').split(',').map(Number);
const extraFeatures = (process.argv[4] ?? '').split(',').filter((v) => v !== '');

function randomV4(): string {
  return Array.from({ length: 4 }, () => Math.floor(Math.random() * 256)).join('.');
}

async function main(): Promise<void> {
  const geo = await createGeoLookup();
  const newest = ipPipeline(geo);
  const items: IpIndicator[] = [];
  while (items.length < count) {
    const p = parseIp(randomV4());
    if (p.ok && p.value.globallyRoutable) items.push({ ip: p.value, geo: geo.lookup(p.value) });
  }
  const runs = [
    ...versions.map((v) => ({ version: v, features: undefined as string | undefined })),
    ...extraFeatures.map((f) => ({ version: Math.max(...versions), features: f as string | undefined })),
  ];
  for (const { version, features } of runs) {
    const model = await loadModel(join(__dirname, '../../models/ip', String(version)), newest);
    const assets = model.assets as IpFeatureAssets;
    const fv = features ?? model.metadata.features_version;
    const pipeline = pipelineForFeatures(newest as AnyPipeline, fv) as typeof newest | undefined;
    if (pipeline === undefined) throw new Error(`the IP pipeline does not compute ${fv}`);
    const width = pipeline.featureNames.length;
    const out = new Float32Array(1000 * width);
    const run = () => {
      for (let i = 0; i < items.length; i++) {
        const x = items[i] as IpIndicator;
        if (pipeline.decide?.(x) === undefined) pipeline.features(x, assets, out, (i % 1000) * width);
      }
    };
    run(); // warm-up
    const rounds = 5;
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const start = process.hrtime.bigint();
      run();
      times.push(Number(process.hrtime.bigint() - start) / items.length);
    }
    times.sort((a, b) => a - b);
    const mw = model.metadata.feature_names.length;
    const batch = new Float32Array(1000 * mw);
    if (features === undefined) {
      for (let i = 0; i < 1000; i++) pipeline.features(items[i] as IpIndicator, assets, batch, i * mw);
    }
    await model.predict(batch, 1000);
    const m0 = process.hrtime.bigint();
    for (let r = 0; r < 20; r++) await model.predict(batch, 1000);
    const modelNs = Number(process.hrtime.bigint() - m0) / 20_000;
    console.log(
      `${features === undefined ? `v${version}` : `${fv} on v${version}'s tables`} (${fv}, ${width} columns): rules + features median ${(times[2]! / 1000).toFixed(3)} us/item ` +
        `(min ${(times[0]! / 1000).toFixed(3)}), model ${(modelNs / 1000).toFixed(2)} us/row`,
    );
    await model.release();
  }
  geo.close();
}

void main();
