/**
 * `npm run bench`: the sensor-scale benchmark. Starts the echo server (transport ceiling) and the
 * real server as separate processes on loopback, drives them with the Go load generator (src/bench/loadgen)
 * with domains (every scenario) and URLs and IPs (unique values, batches of 1000), measures the
 * in-process model ceiling of each kind, and prints one table plus dist/bench/results/latest.json.
 *
 *   npm run bench                 all scenarios, then unary c=64 paired with the echo (~9 min)
 *   npm run bench -- --quick      the same, short windows and 2 paired rounds (~4 min)
 *   npm run bench -- --soak       5-minute sustained stream (memory flat?) and the slow reader
 *   npm run bench -- --only tls   TLS against plaintext, side by side (per streamed item, per unary call),
 *                                 on gRPC and on the JSON-over-HTTP listener (`--only http-tls`: HTTP only)
 *   options: --soak-minutes N, --out FILE, --only REGEX (scenario ids, e.g. 'url', 'ip/'; 'paired';
 *            'model' or model/[url/|ip/]<view>), --tranco FILE, --urls FILE (labelled URL CSV, gzip),
 *            --report FILE (print a saved run's JSON as the table again)
 *   npm run bench -- --only watch [--watch-records N]   `threatpredict watch` vs the Go loadgen (ratio)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, release, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { formatHttpTlsCost, type HttpTlsCostResult, runHttpTlsCost } from './http-tls-cost';
import { formatHttpVsGrpc, type HttpVsGrpcResult, runHttpVsGrpc } from './http-vs-grpc';
import { buildLoadgen } from './loadgen';
import { runScenario, type ScenarioResult } from './measure';
import { type ModelCeiling, runModelCeiling } from './model-ceiling-run';
import { ceilingOf, type PairedResult, runPairedUnary } from './paired';
import { formatReport, type Machine, type Report, ratios, writeJson } from './report';
import { type DataFiles, FULL_TIMING, KINDS, type Kind, QUICK_TIMING, selectRuns } from './scenarios';
import { type ServerProcess, startServerProcess } from './server-process';
import { runSlowReader, type SlowReaderResult } from './slow-reader';
import { runSoak, type SoakResult } from './soak';
import { checkTargets } from './targets';
import { runTlsCost, type TlsCostResult } from './tls-cost';
import { writeUrlList } from './url-list';
import { runWatchRatio } from './watch-ratio';

const ROOT = resolve(__dirname, '..', '..');

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function goVersion(): string {
  try {
    return execFileSync('go', ['version'], { encoding: 'utf8' })
      .trim()
      .replace(/^go version /, '');
  } catch {
    return 'go unknown';
  }
}

/** A data file beside the repository (CI has ../shared), else '' and the load generator makes values up. */
function findData(explicit: string | undefined, ...defaultPath: string[]): string {
  const candidates = explicit !== undefined ? [explicit] : [join(ROOT, '..', 'shared', 'data', ...defaultPath)];
  return candidates.find((p) => existsSync(p)) ?? '';
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      soak: { type: 'boolean', default: false },
      'soak-minutes': { type: 'string', default: '5' },
      out: { type: 'string', default: join(ROOT, 'dist', 'bench', 'results', 'latest.json') },
      only: { type: 'string' },
      tranco: { type: 'string' },
      urls: { type: 'string' },
      report: { type: 'string' },
      'watch-records': { type: 'string', default: '1000000' },
      'watch-rounds': { type: 'string', default: '3' },
    },
  });
  if (values.only === 'watch') {
    // `threatpredict watch` on an EVE file vs the Go loadgen's StreamPredict on the same indicators.
    const r = await runWatchRatio({
      records: Number(values['watch-records']),
      view: 'full',
      rounds: Number(values['watch-rounds']),
      log,
    });
    const m = r.median;
    process.stdout.write(
      `watch / StreamPredict (Go loadgen), ${r.records} EVE records, ${r.rounds.length} rounds: median ratio ` +
        `${r.medianRatio.toFixed(3)} (target >= 0.8); sent items/s ratio ${r.medianWireRatio.toFixed(3)}; CPU per ` +
        `indicator: watch ${m.watchClientCpuUs} us + server ${m.watchServerCpuUs} us, loadgen ${m.loadgenClientCpuUs} us + ` +
        `server ${m.loadgenServerCpuUs} us\n${r.command}\n`,
    );
    return;
  }
  if (values.report !== undefined) {
    // Print a saved run again (e.g. after the table's layout changed).
    process.stdout.write(`${formatReport(JSON.parse(readFileSync(values.report, 'utf8')) as Report)}\n`);
    return;
  }
  const mode = values.soak ? 'soak' : values.quick ? 'quick' : 'full';
  const timing = values.quick ? QUICK_TIMING : FULL_TIMING;
  const tranco = findData(values.tranco, 'domains', 'tranco_top100k.txt');
  const urlCsv = findData(values.urls, 'urls', 'urls_train.csv.gz');
  const startedAt = new Date().toISOString();
  const loadAvgStart = loadavg()[0] as number;
  log(`building the load generator (src/bench/loadgen)...`);
  const bin = await buildLoadgen(ROOT);
  const work = mkdtempSync(join(tmpdir(), 'threatpredict-bench-names-'));
  log(tranco === '' ? 'names: generated (no Tranco list found)' : `names: ${tranco} + DGA-like`);
  const only = values.only === undefined ? undefined : new RegExp(values.only);
  const { scenarios, modelRuns } = values.soak ? { scenarios: [], modelRuns: [] } : selectRuns(only);
  const data: DataFiles = { tranco, urls: '' };

  const results: ScenarioResult[] = [];
  const ceilings: ModelCeiling[] = [];
  let slow: SlowReaderResult | undefined;
  let soak: SoakResult | undefined;
  let paired: PairedResult | undefined;
  let tls: TlsCostResult | undefined;
  let httpVsGrpc: HttpVsGrpcResult | undefined;
  let httpTls: HttpTlsCostResult | undefined;
  const servers: ServerProcess[] = [];
  const flags = [values.quick ? '--quick' : '', values.only === undefined ? '' : `--only '${values.only}'`].filter(
    Boolean,
  );
  const reproduce = [
    values.soak ? 'npm run bench -- --soak' : `npm run bench${flags.length > 0 ? ` -- ${flags.join(' ')}` : ''}`,
  ];
  // Commands in the report name the URL list by the file name its note below explains.
  const portable = (cmd: string) => (data.urls === '' ? cmd : cmd.replaceAll(data.urls, 'urls.txt'));
  try {
    if ([...scenarios, ...modelRuns].some((s) => s.kind === 'url' || s.kind === 'mixed')) {
      if (urlCsv === '') log('URLs: generated (no labelled URL list found)');
      else {
        data.urls = join(work, 'urls.txt');
        const n = writeUrlList(urlCsv, data.urls);
        log(`URLs: ${n.toLocaleString('en-US')} from ${urlCsv}, each sent with a counter in its query`);
        reproduce.push(`(urls.txt = the url column of ${urlCsv}, one per line: src/bench/url-list.ts)`);
      }
    }
    if (values.soak) {
      const real = await startServerProcess('real', ROOT);
      servers.push(real);
      reproduce.push(real.command);
      log(`soak: ${values['soak-minutes']} min against ${real.addr} (pid ${real.pid})`);
      soak = await runSoak(bin, real, Number(values['soak-minutes']), tranco, log);
      reproduce.push(soak.command);
      slow = await runSlowReader(bin, real, 20, tranco);
      reproduce.push(slow.command);
    } else {
      for (const kind of ['echo', 'real'] as const) {
        const mine = scenarios.filter((s) => s.server === kind);
        if (mine.length === 0 && !(kind === 'real' && only === undefined)) continue;
        // The slow reader (full runs) streams domains; every scenario needs its kind's model.
        const models = new Set<Kind>(only === undefined ? ['domain'] : []);
        for (const s of mine) for (const k of s.kind === 'mixed' ? KINDS : [s.kind]) models.add(k);
        const server = await startServerProcess(kind, ROOT, [...models]);
        servers.push(server);
        reproduce.push(server.command);
        for (const s of mine) {
          log(`${s.id} ...`);
          const r = await runScenario(bin, server, s, timing, data);
          log(
            `  ${Math.round(r.load.itemsPerSec).toLocaleString('en-US')} items/s, p99 ${(r.load.p99us / 1000).toFixed(2)} ms`,
          );
          results.push(r);
          reproduce.push(portable(r.command.replace(server.addr, '$ADDR')));
        }
        if (kind === 'real' && only === undefined) {
          log('slow reader ...');
          slow = await runSlowReader(bin, server, values.quick ? 4 : 10, tranco);
          reproduce.push(slow.command.replace(server.addr, '$ADDR'));
        }
        await server.stop();
        servers.pop();
      }
      if (only === undefined || only.test('paired')) {
        // All servers up at once, windows alternating: the c=64 ratios from the median round.
        const start = async (kind: 'echo' | 'real', args: string[] = []) => {
          const s = await startServerProcess(kind, ROOT, ['domain'], args);
          servers.push(s);
          reproduce.push(s.command);
          return s;
        };
        const pairedServers = {
          echo: await start('echo'),
          echo2: await start('echo', ['--processes', '2']),
          real: await start('real'),
          real2: await start('real', ['--processes', '2']),
        };
        const rounds = values.quick ? 2 : 5;
        log(`unary c=64 paired with the echo (${rounds} rounds, alternating; 1 and 2 processes) ...`);
        const x = (n: number | undefined, c: number) => `${Math.round(n ?? 0)} (${((n ?? 0) / c).toFixed(2)}x)`;
        paired = await runPairedUnary(bin, pairedServers, rounds, tranco, (r, i) => {
          const c = ceilingOf(r);
          log(
            `  round ${i + 1}: echo ${Math.round(r.echo)} / 2 processes ${Math.round(r.echo2 ?? 0)}; full ${x(r.full, c)}, compact ${x(r.compact, c)}; --processes 2: full ${x(r.full2, c)}, compact ${x(r.compact2, c)}` +
              (r.cpu === undefined
                ? ''
                : `; server CPU us/call echo ${r.cpu.echo.toFixed(0)}/${r.cpu.echo2.toFixed(0)}, full ${r.cpu.full.toFixed(0)}/${r.cpu.full2.toFixed(0)}, compact ${r.cpu.compact.toFixed(0)}/${r.cpu.compact2.toFixed(0)} (1/2 processes)`),
          );
        });
        reproduce.push(paired.command);
        while (servers.length > 0) await servers.pop()?.stop();
      }
      if (only === undefined || only.test('tls')) {
        log(`TLS against plaintext (alternating rounds) ...`);
        tls = await runTlsCost(bin, ROOT, values.quick ? 2 : 5, tranco, log);
        reproduce.push(tls.command);
      }
      if (only === undefined || only.test('http-vs-grpc')) {
        log('JSON over HTTP vs gRPC, batches of 1000 (rounds alternating) ...');
        httpVsGrpc = await runHttpVsGrpc({
          root: ROOT,
          rounds: values.quick ? 2 : 3,
          seconds: values.quick ? 2 : 4,
          log,
        });
        reproduce.push(httpVsGrpc.command);
      }
      if (only === undefined || only.test('http-tls')) {
        log('HTTPS against plaintext HTTP (alternating rounds) ...');
        httpTls = await runHttpTlsCost({
          root: ROOT,
          rounds: values.quick ? 2 : 5,
          seconds: values.quick ? 2 : 4,
          log,
        });
        reproduce.push(httpTls.command);
      }
      for (const run of modelRuns) {
        log(`${run.id} (${run.inFlight} batch${run.inFlight > 1 ? 'es' : ''} in flight) ...`);
        const c = await runModelCeiling(run, bin, ROOT, work, values.quick ? 2 : 5, data);
        log(
          `  ${Math.round(c.itemsPerSec).toLocaleString('en-US')} items/s, model scored ${(c.scoredShare * 100).toFixed(0)}%`,
        );
        ceilings.push(c);
        reproduce.push(portable(c.command));
      }
    }
  } finally {
    for (const s of servers) await s.stop();
    rmSync(work, { recursive: true, force: true });
    rmSync(resolve(bin, '..'), { recursive: true, force: true });
  }

  const machine: Machine = {
    nproc: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    memGb: totalmem() / 2 ** 30,
    node: process.version,
    go: goVersion(),
    os: `${process.platform} ${release()}`,
    loadAvgStart,
    loadAvgEnd: loadavg()[0] as number,
  };
  const report: Report = {
    startedAt,
    finishedAt: new Date().toISOString(),
    mode,
    timing,
    machine,
    scenarios: results,
    modelCeilings: ceilings,
    slowReader: slow,
    soak,
    paired,
    tls,
    httpVsGrpc,
    httpTls,
    ...ratios(results, ceilings),
    targets: checkTargets(results, ceilings, slow, soak, paired),
    reproduce: [
      ...reproduce,
      `(loadgen = cd src/bench/loadgen && go build -o /tmp/loadgen . ; $ADDR = the server's --listen address)`,
    ],
  };
  writeJson(values.out as string, report);
  const http =
    (httpVsGrpc === undefined ? '' : `\n\n${formatHttpVsGrpc(httpVsGrpc)}`) +
    (httpTls === undefined ? '' : `\n\n${formatHttpTlsCost(httpTls)}`);
  process.stdout.write(`${formatReport(report)}${http}\n\nall figures: ${values.out}\n`);
}

main().catch((err) => {
  process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
