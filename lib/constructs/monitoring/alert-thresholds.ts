// The per-object alert thresholds of one environment: each consumer's and stream's own `alerts`, else the
// environment's `monitoring.alerts`, else the alert table's defaults (alert-table.ts), checked; and the
// baseline of each threshold (its most common value), so only objects that differ need a series of their own.
import { IConstruct } from 'constructs';
import { CheckTarget, checkInteger, literal, toPositiveDuration } from '../../config/checks';
import { fail } from '../../config/errors';
import { AlertsConfig, ConsumerAlertConfig, StreamAlertConfig } from '../../config/types';
import { Duration, DurationInput } from '../../config/units';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';
import { JetStreamStream } from '../jetstream/jetstream-stream';
import { JetStreamScaledObject } from '../keda/jetstream-scaled-object';
import { ALERTS, parse } from './alert-table';

export interface StreamAlertTarget {
  readonly stream: JetStreamStream;
  /** The stream's own `alerts` from the config. @default - environment defaults */
  readonly alerts?: StreamAlertConfig;
}

export interface ConsumerAlertTarget {
  readonly consumer: JetStreamConsumer;
  /** The consumer's own `alerts` from the config. @default - environment defaults */
  readonly alerts?: ConsumerAlertConfig;
}

/** Effective thresholds of one consumer after defaults, environment settings and its own. */
export interface ConsumerThresholds {
  readonly maxLag: number;
  /** ceil(ackPendingRatio x maxAckPending); undefined without acks (ackPolicy none). */
  readonly ackPendingLimit?: number;
  /** undefined without acks. */
  readonly maxRedelivered?: number;
  /** max(5m, maxDeliver x ackWait) in whole seconds; undefined without acks. */
  readonly maxDeliverWindowSeconds?: number;
  /** lagThreshold x maxReplicas of the scaler on the consumer, if any. */
  readonly scalerCapacity?: number;
}

export interface StreamThresholds {
  readonly nearLimitRatio: number;
}

/** What the alerts of one environment compare with. */
export interface AlertThresholds {
  /** Environment-wide `for` of the lag alert and of the stream alerts. */
  readonly lagFor: Duration;
  readonly streamFor: Duration;
  readonly fileStorageRatio: number;
  readonly scalerByConsumer: ReadonlyMap<JetStreamConsumer, JetStreamScaledObject>;
  readonly consumerThresholds: ReadonlyMap<string, ConsumerThresholds>;
  readonly streamThresholds: ReadonlyMap<string, StreamThresholds>;
  readonly baselines: Baselines;
  /** Whether any consumer has acks (and so a max-deliver window). */
  readonly anyAcked: boolean;
  readonly longestWindowSeconds: number;
}

export interface AlertThresholdInputs {
  readonly alerts?: AlertsConfig;
  readonly streams: readonly StreamAlertTarget[];
  readonly consumers: readonly ConsumerAlertTarget[];
  readonly scalers?: readonly JetStreamScaledObject[];
}

export function resolveAlertThresholds(scope: IConstruct, inputs: AlertThresholdInputs): AlertThresholds {
  const envTarget: CheckTarget = { scope, resource: 'Monitoring (monitoring.alerts)' };
  const alerts = inputs.alerts ?? {};
  const envConsumer = checkConsumerAlerts(envTarget, 'monitoring.alerts.consumers', alerts.consumers ?? {});
  const envStream = checkStreamAlerts(envTarget, 'monitoring.alerts.streams', alerts.streams ?? {});
  const lagFor =
    optionalDuration(envTarget, 'monitoring.alerts.consumers.for', alerts.consumers?.for) ??
    parse(ALERTS.consumerLag.for);
  const streamFor =
    optionalDuration(envTarget, 'monitoring.alerts.streams.for', alerts.streams?.for) ?? parse(ALERTS.streamBytes.for);
  const fileStorageRatio = checkRatio(
    envTarget,
    'monitoring.alerts.fileStorageRatio',
    alerts.fileStorageRatio ?? ALERTS.fileStorage.ratio,
  );

  const scalerByConsumer = new Map<JetStreamConsumer, JetStreamScaledObject>();
  for (const scaler of inputs.scalers ?? []) scalerByConsumer.set(scaler.consumer, scaler);
  const minWindowSeconds = parse(ALERTS.maxDeliver.minWindow).toSeconds();

  const consumerThresholds = new Map<string, ConsumerThresholds>();
  for (const { consumer, alerts: own } of inputs.consumers) {
    const t: CheckTarget = {
      scope,
      resource: `Consumer "${consumer.durableName}" (stream "${consumer.stream.streamName}")`,
    };
    rejectPerObjectFor(t, own, 'monitoring.alerts.consumers.for');
    const mine = checkConsumerAlerts(t, 'alerts', own ?? {});
    const scaler = scalerByConsumer.get(consumer);
    const scalerCapacity = scaler ? scaler.lagThreshold * scaler.maxReplicas : undefined;
    const acked = consumer.ackPolicy !== 'none';
    const ackPendingRatio = mine.ackPendingRatio ?? envConsumer.ackPendingRatio ?? ALERTS.ackPending.ratio;
    consumerThresholds.set(consumer.durableName, {
      maxLag:
        mine.maxLag ??
        envConsumer.maxLag ??
        (scalerCapacity !== undefined
          ? ALERTS.consumerLag.scalerCapacityMultiple * scalerCapacity
          : ALERTS.consumerLag.maxLagWithoutScaler),
      ackPendingLimit: acked ? Math.ceil(ackPendingRatio * consumer.maxAckPending) : undefined,
      maxRedelivered: acked
        ? (mine.maxRedelivered ?? envConsumer.maxRedelivered ?? ALERTS.redeliveries.maxRedelivered)
        : undefined,
      maxDeliverWindowSeconds: acked
        ? Math.max(minWindowSeconds, Math.ceil((consumer.maxDeliver * consumer.ackWait.toMilliseconds()) / 1000))
        : undefined,
      scalerCapacity,
    });
  }

  const streamThresholds = new Map<string, StreamThresholds>();
  for (const { stream, alerts: own } of inputs.streams) {
    const t: CheckTarget = { scope, resource: `Stream "${stream.streamName}"` };
    rejectPerObjectFor(t, own, 'monitoring.alerts.streams.for');
    const mine = checkStreamAlerts(t, 'alerts', own ?? {});
    streamThresholds.set(stream.streamName, {
      nearLimitRatio: mine.nearLimitRatio ?? envStream.nearLimitRatio ?? ALERTS.streamBytes.ratio,
    });
  }

  const all = [...consumerThresholds.values()];
  const baselines: Baselines = {
    maxLag: mostCommon(all.map((c) => c.maxLag)),
    ackPendingLimit: mostCommon(all.map((c) => c.ackPendingLimit)),
    maxRedelivered: mostCommon(all.map((c) => c.maxRedelivered)),
    maxDeliverWindowSeconds: mostCommon(all.map((c) => c.maxDeliverWindowSeconds)),
    nearLimitRatio: mostCommon([...streamThresholds.values()].map((s) => s.nearLimitRatio)),
  };
  // Consumers with acks are exactly those with a max-deliver window.
  const windows = all.map((c) => c.maxDeliverWindowSeconds).filter((w): w is number => w !== undefined);
  const longestWindowSeconds = windows.reduce((a, b) => Math.max(a, b), minWindowSeconds);
  return {
    lagFor,
    streamFor,
    fileStorageRatio,
    scalerByConsumer,
    consumerThresholds,
    streamThresholds,
    baselines,
    anyAcked: windows.length > 0,
    longestWindowSeconds,
  };
}

export type Baselines = Partial<Omit<ConsumerThresholds, 'scalerCapacity'> & StreamThresholds>;

/**
 * The most frequent value (the smallest among equals), undefined when there is none: the baseline that needs no
 * per-object series.
 */
function mostCommon(values: ReadonlyArray<number | undefined>): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) if (v !== undefined) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: number | undefined;
  for (const [value, n] of counts) {
    const bestCount = best === undefined ? 0 : counts.get(best)!;
    if (n > bestCount || (n === bestCount && value < best!)) best = value;
  }
  return best;
}

/** `for` is one per alert rule, and there is one rule for all consumers (or streams). */
function rejectPerObjectFor(t: CheckTarget, own: object | undefined, environmentField: string): void {
  const value = (own as { for?: unknown } | undefined)?.for;
  if (value === undefined) return;
  fail(t.scope, {
    resource: t.resource,
    field: 'alerts.for',
    value,
    allowed:
      `no per-object for: one alert rule serves every object, so its for is ` +
      `environment-wide (${environmentField})`,
    fix: `remove alerts.for here, and write ${literal(environmentField, value)}`,
  });
}

interface CheckedConsumerAlerts {
  maxLag?: number;
  ackPendingRatio?: number;
  maxRedelivered?: number;
}
interface CheckedStreamAlerts {
  nearLimitRatio?: number;
}

function checkConsumerAlerts(t: CheckTarget, prefix: string, c: ConsumerAlertConfig): CheckedConsumerAlerts {
  return {
    maxLag: optionalCount(t, `${prefix}.maxLag`, c.maxLag, 1000),
    ackPendingRatio:
      c.ackPendingRatio === undefined ? undefined : checkRatio(t, `${prefix}.ackPendingRatio`, c.ackPendingRatio),
    maxRedelivered: optionalCount(t, `${prefix}.maxRedelivered`, c.maxRedelivered, 100),
  };
}

/** A number of messages, at least 1, if set. */
function optionalCount(t: CheckTarget, field: string, value: number | undefined, example: number): number | undefined {
  if (value === undefined) return undefined;
  return checkInteger(t, field, value, { min: 1 }, `write ${literal(field, example)} (a whole number of messages)`);
}

function checkStreamAlerts(t: CheckTarget, prefix: string, s: StreamAlertConfig): CheckedStreamAlerts {
  return {
    nearLimitRatio:
      s.nearLimitRatio === undefined ? undefined : checkRatio(t, `${prefix}.nearLimitRatio`, s.nearLimitRatio),
  };
}

function optionalDuration(t: CheckTarget, field: string, input: DurationInput | undefined): Duration | undefined {
  if (input === undefined) return undefined;
  const d = toPositiveDuration(t, field, input, undefined, '10m');
  if (d.toMilliseconds() % 1000 !== 0) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value: input,
      allowed: 'whole seconds, e.g. "10m" (Prometheus evaluates rules every few seconds at best)',
      fix: `write ${literal(field, '10m')}`,
    });
  }
  return d;
}

function checkRatio(t: CheckTarget, field: string, value: number): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    fail(t.scope, {
      resource: t.resource,
      field,
      value,
      allowed: 'a fraction greater than 0 and at most 1, e.g. 0.85 for 85%',
      fix: `write ${literal(field, 0.85)}`,
    });
  }
  return value;
}
