// Wires the environments to charts and writes dist/. Nothing else lives here.
import { App } from 'cdk8s';
import { OvermindBackboneChart } from './charts/overmind-backbone-chart';
import { ENVIRONMENTS } from './config';
import { EnvironmentConfig } from './lib/config';
import { DistFile, renderApp, writeDistAtomically } from './lib/dist-writer';

/** Builds every environment's chart and renders the dist/ files in memory (throws on any bad input). */
export function synthesize(environments: readonly EnvironmentConfig[] = ENVIRONMENTS): DistFile[] {
  const app = new App({ outdir: 'dist' });
  for (const environment of environments) new OvermindBackboneChart(app, environment);
  return renderApp(app);
}

/** `npm run synth`: all environments into ./dist (or $OVERMIND_DIST), atomically. */
export function main(outdir = process.env.OVERMIND_DIST ?? 'dist'): DistFile[] {
  const files = synthesize();
  writeDistAtomically(outdir, files);
  return files;
}
