// In-process synthesis for tests: no subprocess, no files (tooling.md §6 "suggested test loop").
import { App, Testing } from 'cdk8s';
import { OvermindBackboneChart } from '../../charts/overmind-backbone-chart';
import { EnvironmentConfig } from '../../lib/config/types';

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: any;
}

export function synthEnvironment(config: EnvironmentConfig): { chart: OvermindBackboneChart; objects: KubeObject[] } {
  const app: App = Testing.app();
  const chart = new OvermindBackboneChart(app, config);
  return { chart, objects: Testing.synth(chart) as KubeObject[] };
}

export function findObject(objects: KubeObject[], kind: string, name: string): KubeObject {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found)
    throw new Error(`no ${kind} "${name}" among ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  return found;
}

export function objectsOfKind(objects: KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}
