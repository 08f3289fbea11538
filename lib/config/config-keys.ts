// Every key a config object may have, per type of lib/config/types.ts, so a key the config does not know (a typo such
// as `maxDelivr`, or a NACK field we do not support such as a consumer's `memStorage`) fails the synth instead of being
// dropped in silence. TypeScript's excess-property check does not reach configs built by spreading, or values typed
// `any`, so this runs at synth. Each table is checked by tsc both ways (`satisfies Fields<T>`): a field added to
// lib/config/types.ts without a row here, or a row for a field that does not exist, fails `npm run typecheck`.
import { IConstruct } from 'constructs';
import { formatLiteral, literal, reject } from './checks';
import {
  AlertsConfig,
  ConsumerAlertConfig,
  ConsumerAlertDefaults,
  ConsumerConfig,
  EnvironmentConfig,
  GitOpsConfig,
  MonitoringConfig,
  NatsClusterConfig,
  NatsResources,
  NatsTlsConfig,
  NetworkConfig,
  NetworkPeerConfig,
  ScalerConfig,
  StreamAlertConfig,
  StreamAlertDefaults,
  StreamConfig,
} from './types';
import { fail } from './errors';

/** How a field's value is walked: a leaf, a map of free keys (labels), a nested object, or a list of objects. */
type Shape = 'value' | 'labels' | KeyTable | { readonly each: KeyTable };

/** The fields of one config type. `Required` so optional fields need a row too. */
type Fields<T> = { readonly [K in keyof Required<T>]: Shape };

/** The space-separated words of `S`. */
type Words<S extends string> = S extends `${infer W} ${infer Rest}` ? W | Words<Rest> : S;

/**
 * Leaf rows, in this order, for the fields of `T` named in space-separated groups:
 * `valuesOf<StreamConfig>()('name subjects', 'maxAge')`. A word that is not a field of `T` fails typecheck.
 */
const valuesOf =
  <T>() =>
  <S extends string>(...groups: Array<S & (Words<S> extends keyof T ? unknown : never)>) =>
    Object.fromEntries(groups.flatMap((g) => g.split(' ')).map((k) => [k, 'value'])) as Record<Words<S>, 'value'>;

interface Unsupported {
  readonly reason: string;
  readonly fix: (value: unknown) => string;
}

interface KeyTable {
  /** The type's name in lib/config/types.ts, for messages. */
  readonly type: string;
  readonly fields: Readonly<Record<string, Shape>>;
  /**
   * Fields of the upstream object (NACK, KEDA) that this config does not support, with the reason (and,
   * when removing the key is not the whole fix, the fix for its value).
   */
  readonly unsupported?: Readonly<Record<string, string | Unsupported>>;
  /** Upstream names of fields we do support under another name, e.g. NACK's `durableName` is our `name`. */
  readonly aliases?: Readonly<Record<string, { readonly to: string; readonly value?: (v: unknown) => unknown }>>;
  /** Objects of this type are resources of their own: messages name them, and fields are relative to them. */
  readonly resource?: (value: Record<string, unknown>) => string;
}

const NACK_CONNECTION =
  "a NACK connection setting: NACK reaches this environment's NATS through its own install " +
  '(docs/gitops.md), so a per-object connection is not emitted';
const NACK_NOT_MODELLED = 'a NACK field this project does not model: it would not be emitted, so it would not apply';

const ONE_WAY_SWITCH =
  'a one-way switch on the server (it cannot be turned off again): not emitted, so a ' +
  'config edit cannot lock a stream';

/** The same reason for each of the space-separated `fields`. */
const allFor = (fields: string, reason: string) => Object.fromEntries(fields.split(' ').map((f) => [f, reason]));
const NACK_CONNECTION_FIELDS = 'account creds nkey servers tls tlsFirst jsDomain';

/** NACK `jetstream.nats.io/v1beta2` Stream fields that StreamConfig does not support (imports/jetstream.nats.io.ts). */
const UNSUPPORTED_STREAM_FIELDS: Record<string, string> = {
  ...allFor(
    'maxConsumers discardPerSubject maxMsgsPerSubject placement compression firstSequence subjectTransform ' +
      'republish mirrorDirect allowMsgTtl subjectDeleteMarkerTtl allowMsgCounter allowAtomicPublish ' +
      'allowMsgSchedules persistMode consumerLimits metadata preventUpdate allowRollup preventDelete',
    NACK_NOT_MODELLED,
  ),
  ...allFor(NACK_CONNECTION_FIELDS, NACK_CONNECTION),
  noAck:
    'a stream without publish acks drops messages in silence; every stream here acks (and nats-server ' +
    'requires noAck only for subjects this config refuses anyway: ">" and the $JS/$SYS API subjects)',
  mirror: 'mirrors are not modelled: their subjects, sizes and replicas would go unchecked here',
  sources: 'sourced streams are not modelled: their subjects, sizes and replicas would go unchecked here',
  ...allFor('sealed denyDelete denyPurge', ONE_WAY_SWITCH),
};

/** NACK Consumer fields that ConsumerConfig does not support. */
const UNSUPPORTED_CONSUMER_FIELDS: Record<string, string> = {
  ...allFor(
    'optStartSeq optStartTime backoff sampleFreq maxWaiting rateLimitBps deliverGroup flowControl headersOnly ' +
      'heartbeatInterval maxRequestExpires maxRequestMaxBytes inactiveThreshold pauseUntil priorityPolicy ' +
      'pinnedTtl priorityGroups metadata preventDelete preventUpdate',
    NACK_NOT_MODELLED,
  ),
  ...allFor(NACK_CONNECTION_FIELDS, NACK_CONNECTION),
  memStorage:
    "nats-server 2.14.2 picks a consumer's store only when it creates the consumer " +
    '(https://github.com/nats-io/nats-server/blob/v2.14.2/server/jetstream_cluster.go#L9245) and accepts a changed ' +
    'memStorage on update without moving the store (checkNewConsumerConfig does not compare it, ' +
    'https://github.com/nats-io/nats-server/blob/v2.14.2/server/consumer.go#L2443), so the config and the ' +
    'server would disagree in silence; and its memory is not in the NATS memory budget this project sizes. ' +
    "A consumer's state " +
    "follows its stream's storage",
};

const STREAM_ALERT_FIELDS = { nearLimitRatio: 'value' } satisfies Fields<StreamAlertConfig>;
const CONSUMER_ALERT_FIELDS = valuesOf<ConsumerAlertConfig>()(
  'maxLag ackPendingRatio maxRedelivered',
) satisfies Fields<ConsumerAlertConfig>;

/** `for` is one per alert rule, and one rule serves every stream (or consumer): it is set environment-wide. */
function environmentWideFor(kind: 'streams' | 'consumers') {
  return {
    for: {
      reason:
        'environment-wide only: one alert rule serves every object, so its for is set in ' +
        `monitoring.alerts.${kind}.for`,
      fix: (value: unknown) => `remove for here, and write ${literal(`monitoring.alerts.${kind}.for`, value)}`,
    },
  };
}

const STREAM_TABLE: KeyTable = {
  type: 'StreamConfig',
  resource: (s) => `Stream "${s.name}"`,
  fields: {
    ...valuesOf<StreamConfig>()(
      'name subjects description retention maxAge maxBytes maxMsgs maxMsgSize storage replicas discard',
      'duplicateWindow allowDirect',
    ),
    alerts: { type: 'StreamAlertConfig', fields: STREAM_ALERT_FIELDS, unsupported: environmentWideFor('streams') },
  } satisfies Fields<StreamConfig>,
  unsupported: UNSUPPORTED_STREAM_FIELDS,
};

const CONSUMER_TABLE: KeyTable = {
  type: 'ConsumerConfig',
  resource: (c) => `Consumer "${c.name}"`,
  fields: {
    ...valuesOf<ConsumerConfig>()(
      'name stream description filterSubjects ackPolicy ackWait maxDeliver maxAckPending',
      'maxRequestBatch deliverPolicy replayPolicy replicas deliverSubject',
    ),
    alerts: {
      type: 'ConsumerAlertConfig',
      fields: CONSUMER_ALERT_FIELDS,
      unsupported: environmentWideFor('consumers'),
    },
  } satisfies Fields<ConsumerConfig>,
  unsupported: UNSUPPORTED_CONSUMER_FIELDS,
  aliases: {
    durableName: { to: 'name' },
    streamName: { to: 'stream' },
    filterSubject: { to: 'filterSubjects', value: (v) => [v] },
  },
};

const SCALER_TABLE: KeyTable = {
  type: 'ScalerConfig',
  resource: (s) => `ScaledObject "${s.name ?? `${s.target}-nats-scaler`}" (scaler of "${s.target}")`,
  fields: {
    ...valuesOf<ScalerConfig>()(
      'target targetKind consumer lagThreshold activationLagThreshold minReplicas maxReplicas',
      'pollingInterval cooldownPeriod fallbackReplicas name',
    ),
  } satisfies Fields<ScalerConfig>,
  aliases: {
    minReplicaCount: { to: 'minReplicas' },
    maxReplicaCount: { to: 'maxReplicas' },
  },
  unsupported: {
    idleReplicaCount:
      "KEDA's idle replica count is not modelled: set minReplicas: 0 to scale to zero when " + 'there is no lag',
    advanced: "KEDA's advanced HPA settings are not modelled here",
    triggers: 'the trigger is made from consumer, lagThreshold and activationLagThreshold',
    fallback: 'the fallback is made from fallbackReplicas',
  },
};

const NATS_TABLE: KeyTable = {
  type: 'NatsClusterConfig',
  resource: () => 'NATS cluster (nats)',
  fields: {
    ...valuesOf<NatsClusterConfig>()(
      'releaseName chartVersion replicas fileStorageSize memoryStoreHeadroom storageClassName natsBox',
    ),
    resources: { type: 'NatsResources', fields: { cpu: 'value', memory: 'value' } satisfies Fields<NatsResources> },
    tokenSecret: {
      type: 'tokenSecret',
      fields: { name: 'value', key: 'value' } satisfies Fields<NonNullable<NatsClusterConfig['tokenSecret']>>,
    },
    tls: {
      type: 'NatsTlsConfig',
      fields: valuesOf<NatsTlsConfig>()(
        'enabled clientSecretName routeSecretName caSecretName monitor monitorDomain clientCertificateDnsNames',
      ) satisfies Fields<NatsTlsConfig>,
    },
  } satisfies Fields<NatsClusterConfig>,
};

const ALERTS_TABLE: KeyTable = {
  type: 'AlertsConfig',
  fields: {
    consumers: {
      type: 'ConsumerAlertDefaults',
      fields: { ...CONSUMER_ALERT_FIELDS, for: 'value' } satisfies Fields<ConsumerAlertDefaults>,
    },
    streams: {
      type: 'StreamAlertDefaults',
      fields: { ...STREAM_ALERT_FIELDS, for: 'value' } satisfies Fields<StreamAlertDefaults>,
    },
    fileStorageRatio: 'value',
    runbookBaseUrl: 'value',
    labels: 'labels',
  } satisfies Fields<AlertsConfig>,
};

const MONITORING_TABLE: KeyTable = {
  type: 'MonitoringConfig',
  resource: () => 'Monitoring (monitoring)',
  fields: {
    prometheusSelectorLabels: 'labels',
    scrapeInterval: 'value',
    alerts: ALERTS_TABLE,
    grafanaDashboardLabels: 'labels',
  } satisfies Fields<MonitoringConfig>,
};

const NETWORK_TABLE: KeyTable = {
  type: 'NetworkConfig',
  resource: () => 'Network policies (network)',
  fields: {
    enabled: 'value',
    clientNamespaces: 'value',
    clientPodSelectors: {
      each: {
        type: 'NetworkPeerConfig',
        fields: { namespace: 'value', podLabels: 'labels' } satisfies Fields<NetworkPeerConfig>,
      },
    },
    kedaNamespace: 'value',
    kedaPodLabels: 'labels',
    prometheusNamespace: 'value',
    prometheusPodLabels: 'labels',
    toolPodLabels: 'value',
  } satisfies Fields<NetworkConfig>,
};

export const GITOPS_TABLE: KeyTable = {
  type: 'GitOpsConfig',
  resource: () => 'Argo CD settings (gitops)',
  fields: {
    ...valuesOf<GitOpsConfig>()(
      'repoURL targetRevision distPath argoNamespace project destinationServer natsChartRepoURL',
      'automatedSync',
    ),
  } satisfies Fields<GitOpsConfig>,
};

const ENVIRONMENT_TABLE: KeyTable = {
  type: 'EnvironmentConfig',
  resource: (e) => `Environment "${e.name}"`,
  fields: {
    name: 'value',
    namespace: 'value',
    nats: NATS_TABLE,
    streams: { each: STREAM_TABLE },
    consumers: { each: CONSUMER_TABLE },
    scalers: { each: SCALER_TABLE },
    monitoring: MONITORING_TABLE,
    network: NETWORK_TABLE,
    gitops: GITOPS_TABLE,
  } satisfies Fields<EnvironmentConfig>,
};

interface Place {
  readonly resource: string;
  /** Path of the object inside its resource, ending in "." (or "" at the resource's root). */
  readonly path: string;
}

/** Fails on the first key of `config` (at any depth) that its type does not have. */
export function checkKnownFields(scope: IConstruct | string, config: EnvironmentConfig): void {
  walkObject(scope, ENVIRONMENT_TABLE, config, { resource: `Environment "${config.name}"`, path: '' });
}

/** The same for a GitOpsConfig on its own (config/gitops.ts merged with the environment's `gitops`). */
export function checkKnownGitOpsFields(scope: IConstruct | string, gitops: GitOpsConfig): void {
  walkObject(scope, GITOPS_TABLE, gitops, { resource: 'Argo CD settings (gitops)', path: '' }, 'gitops');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function walkObject(
  scope: IConstruct | string,
  table: KeyTable,
  value: unknown,
  outer: Place,
  ownField?: string,
): void {
  if (value === undefined) return;
  if (!isPlainObject(value)) {
    const field = ownField ?? '(config)';
    reject({ scope, resource: outer.resource }, field, value, {
      allowed: `an object with the fields of ${table.type}`,
      fix: `write it as an object, e.g. ${literal(fieldNameOf(field), {})}`,
    });
  }
  // A list item or the root that is a resource of its own (a stream, a consumer) names fields from itself.
  const ownResource = table.resource?.(value);
  const resetPath = ownResource !== undefined && (ownField === undefined || ownField.endsWith(']'));
  const place: Place = {
    resource: ownResource ?? outer.resource,
    path: resetPath ? '' : ownField === undefined ? outer.path : `${ownField}.`,
  };
  const known = Object.keys(table.fields);
  for (const [key, fieldValue] of Object.entries(value)) {
    const shape = table.fields[key];
    const field = `${place.path}${key}`;
    if (shape === undefined) {
      unknownField(scope, table, place.resource, field, key, fieldValue, known);
    } else if (shape === 'value' || shape === 'labels' || fieldValue === undefined) {
      continue;
    } else if ('each' in shape) {
      if (!Array.isArray(fieldValue)) {
        reject({ scope, resource: place.resource }, field, fieldValue, {
          allowed: `a list of ${shape.each.type}`,
          fix: `write it as a list, e.g. ${literal(field, [])}`,
        });
      }
      fieldValue.forEach((item, i) => walkObject(scope, shape.each, item, place, `${field}[${i}]`));
    } else {
      walkObject(scope, shape, fieldValue, place, field);
    }
  }
}

function fieldNameOf(field: string): string {
  return field.replace(/\[\d+\]$/, '');
}

function unknownField(
  scope: IConstruct | string,
  table: KeyTable,
  resource: string,
  field: string,
  key: string,
  value: unknown,
  known: string[],
): never {
  const allowedFields = `the fields of ${table.type}: ${known.join(', ')}`;
  const unsupported = table.unsupported?.[key];
  if (unsupported !== undefined) {
    const reason = typeof unsupported === 'string' ? unsupported : unsupported.reason;
    fail(scope, {
      resource,
      field,
      value,
      complaint: 'is not supported',
      allowed: `${allowedFields}. "${key}" is ${/^an? /.test(reason) ? '' : 'not supported: '}${reason}`,
      fix: typeof unsupported === 'string' ? `remove ${key}` : unsupported.fix(value),
    });
  }
  const parent = field.slice(0, field.length - key.length);
  const alias = table.aliases?.[key];
  if (alias) {
    const renamed = alias.value ? alias.value(value) : value;
    fail(scope, {
      resource,
      field,
      value,
      complaint: `is not a known field (this config calls it "${alias.to}")`,
      allowed: allowedFields,
      fix: `write ${literal(`${parent}${alias.to}`, renamed)} instead of ${key}: ${formatLiteral(value)}`,
    });
  }
  const closest = closestField(key, known);
  fail(scope, {
    resource,
    field,
    value,
    complaint: 'is not a known field',
    allowed: closest ? `${allowedFields}; closest known field "${closest}"` : allowedFields,
    fix: closest
      ? `write ${literal(`${parent}${closest}`, value)} instead of ${key}: ${formatLiteral(value)}`
      : `remove ${key}`,
  });
}

/** The known field nearest to `key` by edit distance (ignoring case), when it is near enough to be a typo. */
export function closestField(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  const tolerance = Math.max(1, Math.min(3, Math.floor(key.length / 3)));
  return bestDistance <= tolerance ? best : undefined;
}

/** Damerau-Levenshtein distance (optimal string alignment): a swap of two letters counts as one edit. */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.length][b.length];
}
