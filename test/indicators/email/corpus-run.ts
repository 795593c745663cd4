/**
 * Not a test: parses every .eml under a folder once, in-process on one core, and prints failures
 * by reason, warnings by kind, throughput and the slowest messages.
 *   mkdir -p /tmp/pp && tar xzf /work/shared/data/emails/phishing_pot_2022-2024.tar.gz -C /tmp/pp
 *   node --import tsx test/indicators/email/corpus-run.ts /tmp/pp
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseEmail } from '../../../src/indicators/email/parse-email';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : name.endsWith('.eml') ? [path] : [];
  });
}

async function main(dir: string): Promise<void> {
  const paths = files(dir).sort();
  const failures = new Map<string, number>();
  const warnings = new Map<string, number>();
  const kinds = new Map<string, number>();
  const timings: Array<[number, string, number]> = [];
  const facts = { htmlOnly: 0, mismatches: 0, hidden: 0, forms: 0, nested: 0, attachments: 0 };
  let bytes = 0;
  let busy = 0;
  const cpuStart = process.cpuUsage();
  for (const path of paths) {
    const raw = readFileSync(path);
    bytes += raw.length;
    const started = performance.now();
    const result = await parseEmail(raw);
    const elapsed = performance.now() - started;
    busy += elapsed;
    timings.push([elapsed, path, raw.length]);
    if (!result.ok) {
      const key = `${result.error.reason}: ${result.error.message.slice(0, 80)}`;
      failures.set(key, (failures.get(key) ?? 0) + 1);
      continue;
    }
    const email = result.value;
    for (const warning of email.warnings) {
      const kind = warning.replace(/^(part [\d.]+|message root|message \d+): /, '').replace(/'[^']*'|\d+/g, 'N');
      warnings.set(kind, (warnings.get(kind) ?? 0) + 1);
    }
    for (const indicator of email.indicators) kinds.set(indicator.kind, (kinds.get(indicator.kind) ?? 0) + 1);
    facts.htmlOnly += email.facts.htmlOnly ? 1 : 0;
    facts.mismatches += email.facts.linkMismatches.length > 0 ? 1 : 0;
    facts.hidden += email.facts.hiddenText.length > 0 ? 1 : 0;
    facts.forms += email.facts.forms > 0 ? 1 : 0;
    facts.nested += email.messages.length > 1 ? 1 : 0;
    facts.attachments += email.attachments.length > 0 ? 1 : 0;
  }
  const cpu = process.cpuUsage(cpuStart);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  timings.sort((a, b) => b[0] - a[0]);
  const ok = paths.length - [...failures.values()].reduce((a, b) => a + b, 0);
  console.log(`messages: ${paths.length} (${(bytes / 1048576).toFixed(1)} MiB), parsed: ${ok}`);
  console.log(
    `time in parseEmail: ${(busy / 1000).toFixed(2)} s -> ${(paths.length / (busy / 1000)).toFixed(0)} messages/s, ${(bytes / 1048576 / (busy / 1000)).toFixed(1)} MiB/s`,
  );
  // Wall time suffers when other processes share the cores; CPU time (whole process, so GC threads
  // and file reads included) is the steadier figure on a busy machine.
  console.log(`process CPU time: ${cpuSeconds.toFixed(2)} s -> ${(paths.length / cpuSeconds).toFixed(0)} messages/s`);
  console.log(
    `median ${timings[Math.floor(timings.length / 2)]?.[0].toFixed(2)} ms, p99 ${timings[Math.floor(timings.length / 100)]?.[0].toFixed(2)} ms`,
  );
  console.log(
    'slowest:',
    timings.slice(0, 5).map(([ms, path, size]) => `${path} ${ms.toFixed(1)} ms (${size} bytes)`),
  );
  console.log('failures by kind:', Object.fromEntries(failures));
  console.log('warnings by kind:', Object.fromEntries([...warnings].sort((a, b) => b[1] - a[1])));
  console.log('indicators by kind:', Object.fromEntries(kinds));
  console.log('messages with:', facts);
}

void main(process.argv[2] ?? '/tmp/pp');
