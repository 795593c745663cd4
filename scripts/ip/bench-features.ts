/**
 * Per-item cost of the IP pipeline's own work, in-process, for each committed model version: the rules
 * (decide: non-routable, known service) and the feature row, on random globally routable addresses
 * enriched once beforehand (the geo lookup is the same for every version and is measured by
 * bench-lookup.ts). Then the model's cost per row in batches of 1,000, which grows with the row width.
 *
 *   npx tsx scripts/ip/bench-features.ts [count] [versions, default 1,2]
 *
 * "Before" figures for a change: run the same script in a checkout of the older code (its versions).
 */
import { join } from 'node:path';
import type { IpFeatureAssets, IpIndicator } from '../../src/indicators/ip/features';
import { createGeoLookup } from '../../src/indicators/ip/geo';
import { parseIp } from '../../src/indicators/ip/parse';
import { loadModel } from '../../src/scoring/loaded-model';
import { ipPipeline } from '../../src/scoring/pipelines/ip';

const count = Number(process.argv[2] ?? 200_000);
const versions = (process.argv[3] ?? '1,2').split(',').map(Number);

function randomV4(): string {
  return Array.from({ length: 4 }, () => Math.floor(Math.random() * 256)).join('.');
}

async function main(): Promise<void> {
  const geo = await createGeoLookup();
  const pipeline = ipPipeline(geo);
  const items: IpIndicator[] = [];
  while (items.length < count) {
    const p = parseIp(randomV4());
    if (p.ok && p.value.globallyRoutable) items.push({ ip: p.value, geo: geo.lookup(p.value) });
  }
  for (const version of versions) {
    const model = await loadModel(join(__dirname, '../../models/ip', String(version)), pipeline);
    const assets = model.assets as IpFeatureAssets;
    const width = model.metadata.feature_names.length;
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
    const batch = new Float32Array(1000 * width);
    for (let i = 0; i < 1000; i++) pipeline.features(items[i] as IpIndicator, assets, batch, i * width);
    await model.predict(batch, 1000);
    const m0 = process.hrtime.bigint();
    for (let r = 0; r < 20; r++) await model.predict(batch, 1000);
    const modelNs = Number(process.hrtime.bigint() - m0) / 20_000;
    console.log(
      `v${version} (${model.metadata.features_version}, ${width} columns): rules + features median ${(times[2]! / 1000).toFixed(3)} us/item ` +
        `(min ${(times[0]! / 1000).toFixed(3)}), model ${(modelNs / 1000).toFixed(2)} us/row`,
    );
    await model.release();
  }
  geo.close();
}

void main();
