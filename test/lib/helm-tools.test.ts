import * as fs from 'fs';
import * as path from 'path';
import { findHelmExecutable, findNatsChart, HELM_EXECUTABLE, NATS_CHART_ENV, readChartInfo, REPO_ROOT, VENDORED_NATS_CHART } from '../../lib/helm-tools';
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
    expect(() => findNatsChart({ [NATS_CHART_ENV]: 'charts/missing' })).toThrow(/OVERMIND_NATS_CHART=charts\/missing: no Chart\.yaml in .*charts\/missing/);
  });
});

describe('findHelmExecutable', () => {
  test('defaults to .tools/helm/helm and fails with the fix when it is missing', () => {
    expect(HELM_EXECUTABLE).toBe(path.join(REPO_ROOT, '.tools', 'helm', 'helm'));
    expect(() => findHelmExecutable({ OVERMIND_HELM: '.tools/no-such-helm' })).toThrow(/helm not found at .*no-such-helm: run `npm run install-helm`/);
  });
});
