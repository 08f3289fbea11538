import * as fs from 'fs';
import * as path from 'path';
import {
  findHelmExecutable,
  findNatsChart,
  NATS_CHART_ENV,
  readChartInfo,
  REPO_ROOT,
  VENDORED_NATS_CHART,
} from '../../tools/helm/helm-tools';
import { describeWithNatsChart, upstreamNatsChartDir } from '../support/nats-chart';

describeWithNatsChart()('findNatsChart with the real chart (../shared/upstream/nats-chart-2.14.2)', () => {
  test('an explicit folder, relative to the repository or absolute, is read from its Chart.yaml', () => {
    const chart = { dir: upstreamNatsChartDir(), name: 'nats', version: '2.14.2' };
    expect(findNatsChart({ [NATS_CHART_ENV]: path.relative(REPO_ROOT, upstreamNatsChartDir()) })).toEqual(chart);
    expect(findNatsChart({ [NATS_CHART_ENV]: upstreamNatsChartDir() })).toEqual(chart);
  });
});

describe('findNatsChart', () => {
  test('"none" never renders, even with a pulled chart', () => {
    expect(findNatsChart({ [NATS_CHART_ENV]: 'none' })).toBeUndefined();
  });

  test('by default: charts/vendor/nats when it was pulled, else nothing', () => {
    expect(findNatsChart({})).toEqual(readChartInfo(VENDORED_NATS_CHART));
    if (!fs.existsSync(VENDORED_NATS_CHART)) expect(findNatsChart({})).toBeUndefined();
  });

  test('fails when the named folder has no Chart.yaml', () => {
    expect(() => findNatsChart({ [NATS_CHART_ENV]: 'charts/missing' })).toThrow(
      /OVERMIND_NATS_CHART=charts\/missing: no Chart\.yaml in .*charts\/missing/,
    );
  });
});

describe('findHelmExecutable', () => {
  test('without OVERMIND_HELM it looks where `npm run install-helm` puts helm: .tools/helm/helm', () => {
    let looked: string;
    try {
      looked = findHelmExecutable({});
    } catch (e) {
      looked = /^helm not found at (\S+):/.exec((e as Error).message)?.[1] ?? (e as Error).message;
    }
    expect(looked).toBe(path.join(REPO_ROOT, '.tools', 'helm', 'helm'));
  });

  test('OVERMIND_HELM names the binary, relative to the repository', () => {
    expect(findHelmExecutable({ OVERMIND_HELM: 'package.json' })).toBe(path.join(REPO_ROOT, 'package.json'));
  });

  test('fails with the fix when the binary is missing', () => {
    expect(() => findHelmExecutable({ OVERMIND_HELM: '.tools/no-such-helm' })).toThrow(
      /helm not found at .*no-such-helm: run `npm run install-helm`/,
    );
  });
});
