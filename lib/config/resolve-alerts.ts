// Alert settings checked: the environment's `monitoring.alerts` and each stream's and consumer's own `alerts`.
// Their defaults come from the alert table (lib/constructs/monitoring/alert-thresholds.ts applies them).
import { CheckTarget, checkInteger, ifSet, literal, reject, toPositiveDuration } from './checks';
import { AlertsConfig, ConsumerAlertConfig, StreamAlertConfig } from './types';
import { Duration, DurationInput } from './units';

/** `monitoring.alerts` checked, `for` parsed: still an AlertsConfig (a Duration is a DurationInput). */
export type ResolvedAlerts = ReturnType<typeof resolveAlerts>;

export function resolveAlerts(environment: string, alerts: AlertsConfig = {}) {
  const t: CheckTarget = { scope: environment, resource: 'Monitoring (monitoring.alerts)' };
  const consumers = checkConsumerAlerts(t, 'monitoring.alerts.consumers', alerts.consumers ?? {});
  const streams = checkStreamAlerts(t, 'monitoring.alerts.streams', alerts.streams ?? {});
  return {
    runbookBaseUrl: alerts.runbookBaseUrl,
    labels: alerts.labels,
    consumers: { ...consumers, for: forDuration(t, 'monitoring.alerts.consumers.for', alerts.consumers?.for) },
    streams: { ...streams, for: forDuration(t, 'monitoring.alerts.streams.for', alerts.streams?.for) },
    fileStorageRatio: checkRatio(t, 'monitoring.alerts.fileStorageRatio', alerts.fileStorageRatio),
  };
}

/** An object's own `alerts` have no `for`: one alert rule serves every object, so `for` is environment-wide. */
export function rejectPerObjectFor(t: CheckTarget, own: object | undefined, kind: 'streams' | 'consumers'): void {
  const value = (own as { for?: unknown } | undefined)?.for;
  if (value === undefined) return;
  const environmentField = `monitoring.alerts.${kind}.for`;
  reject(t, 'alerts.for', value, {
    allowed:
      'no per-object for: one alert rule serves every object, so its for is ' +
      `environment-wide (${environmentField})`,
    fix: `remove alerts.for here, and write ${literal(environmentField, value)}`,
  });
}

export function checkConsumerAlerts(t: CheckTarget, prefix: string, c: ConsumerAlertConfig = {}) {
  const count = (field: 'maxLag' | 'maxRedelivered', example: number) =>
    ifSet(c[field], (value) =>
      checkInteger(t, `${prefix}.${field}`, value, { min: 1, example, note: ' (a whole number of messages)' }),
    );
  return {
    maxLag: count('maxLag', 1000),
    ackPendingRatio: checkRatio(t, `${prefix}.ackPendingRatio`, c.ackPendingRatio),
    maxRedelivered: count('maxRedelivered', 100),
  };
}

export function checkStreamAlerts(t: CheckTarget, prefix: string, s: StreamAlertConfig = {}) {
  return { nearLimitRatio: checkRatio(t, `${prefix}.nearLimitRatio`, s.nearLimitRatio) };
}

/** A rule's `for`, in whole seconds. */
function forDuration(t: CheckTarget, field: string, input: DurationInput | undefined): Duration | undefined {
  if (input === undefined) return undefined;
  const d = toPositiveDuration(t, field, input, undefined, '10m');
  if (d.toMilliseconds() % 1000 !== 0) {
    reject(t, field, input, {
      allowed: 'whole seconds, e.g. "10m" (Prometheus evaluates rules every few seconds at best)',
      fix: `write ${literal(field, '10m')}`,
    });
  }
  return d;
}

/** A fraction in (0, 1], or undefined when not set. */
function checkRatio(t: CheckTarget, field: string, value: number | undefined): number | undefined {
  if (value === undefined || (typeof value === 'number' && value > 0 && value <= 1)) return value;
  return reject(t, field, value, {
    allowed: 'a fraction greater than 0 and at most 1, e.g. 0.85 for 85%',
    fix: `write ${literal(field, 0.85)}`,
  });
}
