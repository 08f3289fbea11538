// Name rules per kind (lib/config/names.ts), checked on the boundaries upstream sets.
import {
  DNS1035_LABEL_RULE,
  DNS1123_LABEL_RULE,
  DNS1123_SUBDOMAIN_RULE,
  HELM_RELEASE_NAME_RULE,
  jetStreamNameError,
  KUBERNETES_NAME_RULES,
  LABEL_KEY_RULE,
  LABEL_VALUE_RULE,
  nameRuleOfKind,
  SCALED_OBJECT_NAME_RULE,
  STATEFUL_SET_NAME_RULE,
  suggestName,
  toKubernetesName,
} from '../../lib/config/names';
import { ApiObject, Testing } from 'cdk8s';
import { checkEmittedNames } from '../support/emitted-names';
import { loadAllObjects } from '../support/dist';
import { ENVIRONMENT_NAME_RULE } from '../../lib/config/resolve';

const valid = (rule: { error: (n: string) => string | undefined }, name: string) => rule.error(name) === undefined;

describe('Kubernetes name rules (k8s.io/apimachinery validation.go)', () => {
  test('a DNS-1123 label: at most 63, no dots, lowercase alphanumerics and "-"', () => {
    expect(valid(DNS1123_LABEL_RULE, 'overmind-prod')).toBe(true);
    expect(valid(DNS1123_LABEL_RULE, '1-prod')).toBe(true);
    expect(valid(DNS1123_LABEL_RULE, 'a'.repeat(63))).toBe(true);
    expect(DNS1123_LABEL_RULE.error('a'.repeat(64))).toContain('more than 63');
    for (const bad of ['overmind.prod', 'Prod', '-prod', 'prod-', '', 'pr_od'])
      expect(valid(DNS1123_LABEL_RULE, bad)).toBe(false);
  });

  test('a DNS-1123 subdomain: dot-separated labels, at most 253', () => {
    expect(valid(DNS1123_SUBDOMAIN_RULE, 'nats.metrics-1')).toBe(true);
    expect(
      valid(DNS1123_SUBDOMAIN_RULE, `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`),
    ).toBe(true);
    expect(valid(DNS1123_SUBDOMAIN_RULE, 'a'.repeat(254))).toBe(false);
    for (const bad of ['a..b', 'a.-b', 'a-.b', '.a', 'A']) expect(valid(DNS1123_SUBDOMAIN_RULE, bad)).toBe(false);
  });

  test('a DNS-1035 label (Services) starts with a letter', () => {
    expect(valid(DNS1035_LABEL_RULE, 'nats-headless')).toBe(true);
    expect(valid(DNS1035_LABEL_RULE, '1nats')).toBe(false);
    expect(valid(DNS1035_LABEL_RULE, 'nats.x')).toBe(false);
  });

  test('label values: empty, or at most 63 of letters, digits, "-", "_", "."; keys may have a subdomain prefix', () => {
    for (const ok of ['', 'kube-prometheus-stack', 'My_Value.1', 'a'.repeat(63)])
      expect(valid(LABEL_VALUE_RULE, ok)).toBe(true);
    for (const bad of ['kube prometheus', '-a', 'a-', 'a'.repeat(64), 'a/b'])
      expect(valid(LABEL_VALUE_RULE, bad)).toBe(false);
    for (const ok of ['release', 'app.kubernetes.io/name', 'grafana_dashboard'])
      expect(valid(LABEL_KEY_RULE, ok)).toBe(true);
    for (const bad of ['a/b/c', '/name', 'Example.com/name', 'name-', `${'a'.repeat(64)}`])
      expect(valid(LABEL_KEY_RULE, bad)).toBe(false);
  });

  test('Helm release names: at most 53 characters', () => {
    expect(valid(HELM_RELEASE_NAME_RULE, 'a'.repeat(53))).toBe(true);
    expect(HELM_RELEASE_NAME_RULE.error('a'.repeat(54))).toContain('more than 53');
  });

  test(
    'derived-name limits: StatefulSet 52 (controller-revision-hash), ScaledObject ' +
      '54 (keda-hpa-<name>), environment 26 (Grafana uid)',
    () => {
      expect(valid(STATEFUL_SET_NAME_RULE, 'a'.repeat(52))).toBe(true);
      expect(STATEFUL_SET_NAME_RULE.error('a'.repeat(53))).toContain('controller-revision-hash');
      expect(valid(SCALED_OBJECT_NAME_RULE, 'a'.repeat(54))).toBe(true);
      expect(SCALED_OBJECT_NAME_RULE.error('a'.repeat(55))).toContain('keda-hpa-');
      expect(`keda-hpa-${'a'.repeat(54)}`).toHaveLength(63);
      expect(valid(ENVIRONMENT_NAME_RULE, 'a'.repeat(26))).toBe(true);
      expect(`overmind-nats-${'a'.repeat(26)}`).toHaveLength(40);
      expect(valid(ENVIRONMENT_NAME_RULE, 'a'.repeat(27))).toBe(false);
    },
  );

  test('each kind we emit has its rule; kinds not listed are held to the subdomain rule', () => {
    expect(nameRuleOfKind('Namespace')).toBe(DNS1123_LABEL_RULE);
    expect(nameRuleOfKind('Service')).toBe(DNS1035_LABEL_RULE);
    expect(nameRuleOfKind('ScaledObject')).toBe(SCALED_OBJECT_NAME_RULE);
    expect(nameRuleOfKind('SomethingNew')).toBe(DNS1123_SUBDOMAIN_RULE);
    expect(Object.keys(KUBERNETES_NAME_RULES)).toEqual(
      expect.arrayContaining([
        'ConfigMap',
        'NetworkPolicy',
        'ServiceMonitor',
        'PrometheusRule',
        'Stream',
        'Consumer',
        'Application',
        'AppProject',
      ]),
    );
  });

  test('suggestions are valid names of the rule', () => {
    expect(suggestName('Overmind.Prod', DNS1123_LABEL_RULE)).toBe('overmind-prod');
    expect(suggestName('1nats', DNS1035_LABEL_RULE, { startWithLetter: true })).toBe('nats');
    expect(suggestName('***', DNS1123_LABEL_RULE)).toBeUndefined();
    expect(toKubernetesName('ORDERS_v2')).toBe('orders-v2');
  });
});

describe('JetStream names (nats-server v2.14.2 isValidAssetName, JSMaxNameLen)', () => {
  test.each(['orders', 'ORDERS_v2', 'a-b', 'x'.repeat(255), 'ünïcode'])('accepts %j', (name) => {
    expect(jetStreamNameError(name)).toBeUndefined();
  });
  test.each([
    ['', 'empty'],
    ['a.b', '"."'],
    ['a*', '"*"'],
    ['a>', '">"'],
    ['a/b', '"/"'],
    ['a\\b', '"\\\\"'],
    ['a b', '" "'],
    ['a\tb', '"\\t"'],
    ['x'.repeat(256), 'more than 255'],
  ])('refuses %j (%s)', (name, why) => {
    expect(jetStreamNameError(name)).toContain(why);
  });
});

describe('the net under the config checks: every emitted object by its kind', () => {
  const chartWith = (kind: string, name: string, labels: Record<string, string> = {}) => {
    const chart = Testing.chart();
    new ApiObject(chart, 'O', { apiVersion: 'v1', kind, metadata: { name, labels } });
    return Testing.synth(chart);
  };
  test('a Service named like a subdomain, or a bad label value, is a bug, not a config error', () => {
    expect(() => checkEmittedNames(chartWith('Service', 'nats.metrics'))).toThrow(
      /internal error: the emitted Service "nats.metrics"/,
    );
    expect(() => checkEmittedNames(chartWith('ConfigMap', 'ok', { a: 'not ok' }))).toThrow(/a label/);
    expect(() => checkEmittedNames(chartWith('ConfigMap', 'nats.dashboard', { a: 'ok' }))).not.toThrow();
  });
  test('every object in dist/ keeps the name rule of its kind and the label rules', () => {
    const objects = loadAllObjects().map((doc) => doc.content as any);
    expect(objects.length).toBeGreaterThan(50);
    expect(() => checkEmittedNames(objects)).not.toThrow();
  });
});
