// The per-object alert thresholds of one environment: each object's own checked `alerts` (resolve-alerts.ts), else the
// environment's `monitoring.alerts`, else the alert table's defaults (alert-table.ts); and the baseline of each
// threshold (its most common value), so only objects that differ need a series of their own.
import { ResolvedAlerts } from '../../config/resolve-alerts';
import { Duration } from '../../config/units';
import { JetStreamConsumer } from '../jetstream/jetstream-consumer';
import { JetStreamStream } from '../jetstream/jetstream-stream';
import { JetStreamScaledObject } from '../keda/jetstream-scaled-object';
import { ALERTS, parse } from './alert-table';

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
  readonly alerts?: ResolvedAlerts;
  readonly streams: readonly JetStreamStream[];
  readonly consumers: readonly JetStreamConsumer[];
  readonly scalers?: readonly JetStreamScaledObject[];
}

export function resolveAlertThresholds(inputs: AlertThresholdInputs): AlertThresholds {
  const alerts = inputs.alerts;
  const envConsumer: Partial<ResolvedAlerts['consumers']> = alerts?.consumers ?? {};
  const envStream: Partial<ResolvedAlerts['streams']> = alerts?.streams ?? {};
  const lagFor = envConsumer.for ?? parse(ALERTS.consumerLag.for);
  const streamFor = envStream.for ?? parse(ALERTS.streamBytes.for);
  const fileStorageRatio = alerts?.fileStorageRatio ?? ALERTS.fileStorage.ratio;

  const scalerByConsumer = new Map<JetStreamConsumer, JetStreamScaledObject>();
  for (const scaler of inputs.scalers ?? []) scalerByConsumer.set(scaler.consumer, scaler);
  const minWindowSeconds = parse(ALERTS.maxDeliver.minWindow).toSeconds();

  const consumerThresholds = new Map<string, ConsumerThresholds>();
  for (const consumer of inputs.consumers) {
    const mine = consumer.model.alerts;
    const scaler = scalerByConsumer.get(consumer);
    const scalerCapacity = scaler ? scaler.model.lagThreshold * scaler.model.maxReplicas : undefined;
    const { maxAckPending, maxDeliver, ackWait } = consumer.model;
    const ackPendingRatio = mine.ackPendingRatio ?? envConsumer.ackPendingRatio ?? ALERTS.ackPending.ratio;
    const withAcks = {
      ackPendingLimit: Math.ceil(ackPendingRatio * maxAckPending),
      maxRedelivered: mine.maxRedelivered ?? envConsumer.maxRedelivered ?? ALERTS.redeliveries.maxRedelivered,
      maxDeliverWindowSeconds: Math.max(minWindowSeconds, Math.ceil((maxDeliver * ackWait.toMilliseconds()) / 1000)),
    };
    const defaultMaxLag =
      scalerCapacity === undefined
        ? ALERTS.consumerLag.maxLagWithoutScaler
        : ALERTS.consumerLag.scalerCapacityMultiple * scalerCapacity;
    consumerThresholds.set(consumer.model.name, {
      maxLag: mine.maxLag ?? envConsumer.maxLag ?? defaultMaxLag,
      ...(consumer.model.ackPolicy === 'none' ? {} : withAcks),
      scalerCapacity,
    });
  }

  const streamThresholds = new Map<string, StreamThresholds>();
  for (const stream of inputs.streams) {
    const mine = stream.model.alerts;
    streamThresholds.set(stream.model.name, {
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
