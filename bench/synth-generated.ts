// Bench-only synth entry: main.ts `main()` (synthesize, then write dist atomically) for a
// generated config of BENCH_STREAMS streams, or for the real config/ when unset or "default".
// Run two ways by bench/bench.ts, always as its own process:
//  - "ours": bundled by esbuild with the options of scripts/synth.js, run with plain node;
//  - "cdk8s default path": imported by a ts-node app that `npx cdk8s synth` runs (bench/.work/cdk8s-app).
import * as fs from 'fs';
import { ENVIRONMENTS } from '../config';
import { EnvironmentConfig } from '../lib/config/types';
import { main } from '../main';
import { generatedEnvironments } from './generated-config';

/** What the bench reads back from a run (written to BENCH_REPORT when set). */
export interface SynthRunReport {
  readonly streams: number | 'default';
  readonly files: number;
  /** Milliseconds inside main(): building, validating, rendering and writing, without node startup and module loading. */
  readonly mainMs: number;
}

export function environmentsFor(streams: string | undefined): { streams: number | 'default'; environments: readonly EnvironmentConfig[] } {
  if (streams === undefined || streams === '' || streams === 'default') return { streams: 'default', environments: ENVIRONMENTS };
  const count = Number(streams);
  return { streams: count, environments: generatedEnvironments(count) };
}

/** Settings come from the environment, like `npm run synth`: BENCH_STREAMS, and BENCH_REPORT for the timings. */
export function runFromEnvironment(outdir: string): void {
  const { streams, environments } = environmentsFor(process.env.BENCH_STREAMS);
  const started = process.hrtime.bigint();
  const files = main(outdir, environments);
  const report: SynthRunReport = { streams, files: files.length, mainMs: Number(process.hrtime.bigint() - started) / 1e6 };
  if (process.env.BENCH_REPORT) fs.writeFileSync(process.env.BENCH_REPORT, JSON.stringify(report));
}

if (require.main === module) {
  runFromEnvironment(process.env.OVERMIND_DIST ?? 'dist');
}
