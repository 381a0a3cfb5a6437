/**
 * `pnpm bench`: every benchmark of the project in one table. Medians of repeated runs
 * on one core; each row shows its target and the ratio median / target (≤ 1 is met).
 * Not a test: timing never fails the build.
 */
import { readFileSync } from 'node:fs';
import { runPgtableBench } from '@dmasim/io-pgtable';
import { parse } from '@dmasim/scenario-dsl';
import { discover } from '@dmasim/runner';
import { runScenario } from '@dmasim/scenario-engine';
import { runIovaBench } from '../packages/iova-alloc/bench/iova.bench.ts';

interface Row {
  name: string;
  medianNs: number;
  target?: number;
  note?: string;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(fn: () => void, runs: number): number {
  fn(); // warm up
  const samples: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = process.hrtime.bigint();
    fn();
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  return median(samples);
}

function scenarioRows(): Row[] {
  const root = new URL('..', import.meta.url).pathname;
  const found = discover(['scenarios'], root);
  if (!found.ok) throw new Error(found.error.message);
  const files = found.files.map((f) => ({ uri: f.path, text: readFileSync(f.absPath, 'utf8') }));
  const per = files.map((f) => time(() => runScenario(f.text, f.uri), 15));
  const slowest = per.indexOf(Math.max(...per));
  const perPage = files[slowest]!.text.includes('each=');
  const big = Array.from({ length: 5000 }, (_, i) => `  dma.map_single 00:19.0 buf + 0x${(i % 4096).toString(16)} 100 to-device => iova 0xffff_f000`).join('\n');
  const bigText = `scenario "x"\nstep "s" {\n${big}\n}\n`;
  return [
    { name: `scenario run, median of ${files.length} bundled files (parse+boot+run)`, medianNs: median(per), target: 10_000_000, note: 'booting a kernel in QEMU takes seconds' },
    {
      name: 'scenario run, slowest bundled file',
      medianNs: per[slowest]!,
      target: 50_000_000,
      note: `${files[slowest]!.uri}${perPage ? ': its each= ops make one kernel call per page, as the kernel test does' : ''}`,
    },
    { name: 'parse a 5,000-line scenario', medianNs: time(() => parse(bigText, 'big.dma'), 9), target: 100_000_000 },
  ];
}

const rows: Row[] = [...runPgtableBench(), ...runIovaBench(), ...scenarioRows()];
const fmt = (ns: number): string => (ns >= 1e6 ? `${(ns / 1e6).toFixed(2)} ms` : ns >= 1e3 ? `${(ns / 1e3).toFixed(2)} µs` : `${ns.toFixed(1)} ns`);
const w = Math.max(...rows.map((r) => r.name.length));
console.log(`${'benchmark'.padEnd(w)}  ${'median'.padStart(10)}  ${'target'.padStart(10)}  ratio`);
for (const r of rows) {
  const ratio = r.target ? (r.medianNs / r.target).toFixed(2) : '-';
  console.log(`${r.name.padEnd(w)}  ${fmt(r.medianNs).padStart(10)}  ${(r.target ? fmt(r.target) : '-').padStart(10)}  ${ratio}${r.note ? `  (${r.note})` : ''}`);
}
