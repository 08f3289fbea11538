// What a change of the NATS Helm values, or of the Argo CD Application that installs the chart, does to the
// NATS StatefulSet and its volumes (severities: tools/plan/plan-rules.ts).
import type { Findings, PlanResource, ResourceChange, RuleContext } from './plan-types';
import { isNatsValues, sameValue, show, specOf } from './plan-rules';
import { CHART, KUBERNETES } from './upstream-sources';

/** The official chart's name (Chart.yaml), which its templates use as the default name. */
const NATS_CHART_NAME = 'nats';

/** Values the chart renders into the StatefulSet's volumeClaimTemplates, which Kubernetes never updates. */
const PVC_SIZE_VALUE = 'config.jetstream.fileStore.pvc.size';
const PVC_STORAGE_CLASS_VALUE = 'config.jetstream.fileStore.pvc.storageClassName';
const VOLUME_RUNBOOK = 'docs/operations.md#growing-the-jetstream-file-store';
const STATEFULSET_REFUSES =
  "the chart writes it into the NATS StatefulSet's volumeClaimTemplates, which Kubernetes " +
  'refuses to update ("updates to statefulset spec for fields other than ... are forbidden"), so the Helm upgrade or ' +
  'Argo CD sync fails until the StatefulSet is recreated';

export function helmValuesFindings(change: ResourceChange, context: RuleContext, report: Findings): void {
  if (change.type !== 'changed' || !change.before || !change.after) return;
  const a = change.before.body;
  const b = change.after.body;
  volumeFindings(report, a, b);
  const oldReplicas = getPath(a, 'config.cluster.replicas');
  const newReplicas =
    getPath(b, 'config.cluster.replicas') ?? (getPath(b, 'config.cluster.enabled') === false ? 1 : undefined);
  if (typeof oldReplicas === 'number' && typeof newReplicas === 'number' && newReplicas < oldReplicas) {
    report.warning(
      'helm.cluster-shrink',
      `NATS servers ${oldReplicas} → ${newReplicas}: the removed servers' JetStream data goes with their pods; move ` +
        'stream replicas off them (lower stream replicas or `nats server raft peer-remove`) before the StatefulSet ' +
        'shrinks.',
      [CHART.clusterReplicas, KUBERNETES.statefulSetPvcRetention],
    );
  }
  statefulSetIdentityFindings(report, change.after, context);
}

/** A change of the Application that installs the nats chart, when the env's Helm values are unchanged. */
export function natsApplicationFindings(change: ResourceChange, context: RuleContext, report: Findings): void {
  if (change.type !== 'changed' || !change.after) return;
  const env = change.after.env;
  const values = (side: readonly PlanResource[]) => side.find((r) => r.env === env && isNatsValues(r))?.body;
  const [oldValues, newValues] = [values(context.before), values(context.after)];
  if (oldValues && newValues && !sameValue(oldValues, newValues)) return; // the Helm values change reports it
  statefulSetIdentityFindings(report, change.after, context);
}

/**
 * The JetStream volume: its size is `nats.fileStorageSize`, fixed per environment, so only a
 * deliberate capacity change (or a StorageClass change) lands here, never a new stream.
 */
function volumeFindings(report: Findings, a: Record<string, unknown>, b: Record<string, unknown>): void {
  const sources = [
    CHART.volumeClaimTemplates,
    KUBERNETES.statefulSetStorage,
    KUBERNETES.expandPvc,
    KUBERNETES.deleteStatefulSet,
  ];
  const add = (message: string) => report.blocking('helm.volume-claim-template', message, sources);
  const oldSize = getPath(a, PVC_SIZE_VALUE);
  const newSize = getPath(b, PVC_SIZE_VALUE);
  if (!sameValue(oldSize, newSize)) {
    const [oldBytes, newBytes] = [quantityBytes(oldSize), quantityBytes(newSize)];
    const shrinks = oldBytes !== undefined && newBytes !== undefined && newBytes < oldBytes;
    add(
      `${PVC_SIZE_VALUE} ${show(oldSize)} → ${show(newSize)}: ` +
        (shrinks
          ? `a smaller JetStream volume. Kubernetes never shrinks a PVC (${KUBERNETES.expandPvc}), and ` +
            `${STATEFULSET_REFUSES}. The servers keep their larger volumes; only new ones would be smaller. Keep the ` +
            'size unless you mean to migrate the data to new volumes.'
          : `the JetStream file store capacity (nats.fileStorageSize) changes; ${STATEFULSET_REFUSES}. Follow the ` +
            `runbook ${VOLUME_RUNBOOK}: expand each existing PVC in place (\`kubectl patch pvc\` to ` +
            `${show(newSize)}; the StorageClass needs allowVolumeExpansion, ${KUBERNETES.expandPvc}), then ` +
            `\`kubectl delete statefulset <name> --cascade=orphan\` so the pods keep running ` +
            `(${KUBERNETES.deleteStatefulSet}) and let Argo CD or helm recreate it, then verify. Acknowledge this ` +
            'finding once that is planned.'),
    );
  }
  const oldClass = getPath(a, PVC_STORAGE_CLASS_VALUE);
  const newClass = getPath(b, PVC_STORAGE_CLASS_VALUE);
  if (!sameValue(oldClass, newClass)) {
    add(
      `${PVC_STORAGE_CLASS_VALUE} ${show(oldClass)} → ${show(newClass)}: ${STATEFULSET_REFUSES}. Existing PVCs ` +
        "keep their StorageClass (a PVC's class cannot change); only volumes created afterwards get the new one, so " +
        'moving the data means new volumes.',
    );
  }
}

/** Bytes of a Kubernetes quantity with a binary or plain suffix (`16Gi`, `972Mi`); undefined otherwise. */
function quantityBytes(value: unknown): number | undefined {
  const match = typeof value === 'string' ? /^(\d+)(Ki|Mi|Gi|Ti)?$/.exec(value) : null;
  if (!match) return undefined;
  return Number(match[1]) * 1024 ** ['', 'Ki', 'Mi', 'Gi', 'Ti'].indexOf(match[2] ?? '');
}

/** What names the NATS StatefulSet and its volumes; a change of any of them makes a new, empty one. */
interface NatsStatefulSetIdentity {
  readonly releaseName?: string;
  readonly namespace?: string;
  readonly statefulSet?: string;
  readonly volumeClaimTemplate?: string;
  readonly storeDir?: string;
}

const IDENTITY_LABELS: Readonly<Record<keyof NatsStatefulSetIdentity, string>> = {
  releaseName: 'Helm release',
  namespace: 'namespace',
  statefulSet: 'StatefulSet',
  volumeClaimTemplate: 'volume claim template',
  storeDir: 'JetStream store_dir',
};

function statefulSetIdentityFindings(report: Findings, reportOn: PlanResource, context: RuleContext): void {
  const a = natsIdentity(reportOn.env, context.before);
  const b = natsIdentity(reportOn.env, context.after);
  if (!a || !b) return;
  const changed = (Object.keys(IDENTITY_LABELS) as Array<keyof NatsStatefulSetIdentity>).filter(
    (k) => k !== 'releaseName' && a[k] !== undefined && b[k] !== undefined && a[k] !== b[k],
  );
  if (changed.length === 0) return;
  const what = changed.map((k) => `${IDENTITY_LABELS[k]} ${show(a[k])} → ${show(b[k])}`).join(', ');
  const cause =
    a.releaseName === b.releaseName ? '' : ` (Helm release ${show(a.releaseName)} → ${show(b.releaseName)})`;
  const storeOnly = changed.length === 1 && changed[0] === 'storeDir';
  report.blocking(
    'helm.statefulset-replaced',
    (storeOnly
      ? `JetStream store_dir ${show(a.storeDir)} → ${show(b.storeDir)}: the NATS servers look for their ` +
        'JetStream data in a new, empty directory, '
      : `The NATS StatefulSet changes identity: ${what}${cause}. Kubernetes binds volumes by StatefulSet and claim ` +
        'template name (<claim template>-<StatefulSet>-<ordinal>), so the new StatefulSet starts on new, ' +
        'empty volumes, ') +
      'and every JetStream stream and message is gone (NACK re-creates the streams empty) while the old data ' +
      'stays behind unused. Keep the release name, namespace and chart names; to move for real, back up every stream ' +
      '(`nats stream backup`) and restore it after.',
    [
      CHART.fullname,
      CHART.defaultNames,
      CHART.namespace,
      CHART.statefulSet,
      storeOnly ? CHART.storeDir : CHART.volumeClaimTemplates,
      KUBERNETES.statefulSetStorage,
      ...(cause ? [KUBERNETES.argoCdReleaseName] : []),
    ],
  );
}

/**
 * The StatefulSet identity the chart renders for an environment, from its Helm values and the
 * Argo CD Application that installs it (release name, destination namespace). Follows the
 * chart's `nats.fullname`, `nats.namespace` and default names (templates/_helpers.tpl).
 */
function natsIdentity(env: string, resources: readonly PlanResource[]): NatsStatefulSetIdentity | undefined {
  const values = resources.find((r) => r.env === env && isNatsValues(r))?.body;
  if (!values) return undefined;
  const app = resources.find((r) => r.env === env && natsChartSource(r) !== undefined);
  const source = app ? natsChartSource(app) : undefined;
  // Argo CD's release name defaults to the Application's name.
  const helm = source?.helm as { releaseName?: unknown } | undefined;
  const releaseName = app ? String(helm?.releaseName ?? app.name) : undefined;
  const releaseNamespace = app ? (getPath(app.body, 'spec.destination.namespace') as string | undefined) : undefined;
  const str = (path: string) => {
    const v = getPath(values, path);
    return typeof v === 'string' && v !== '' ? v : undefined;
  };
  const name = trimName(str('nameOverride') ?? NATS_CHART_NAME);
  const fullnameOverride = str('fullnameOverride');
  const fromRelease = (release: string) => trimName(release.includes(name) ? release : `${release}-${name}`);
  const fullname =
    fullnameOverride !== undefined
      ? trimName(fullnameOverride)
      : releaseName === undefined
        ? undefined
        : fromRelease(releaseName);
  const jetstream = getPath(values, 'config.jetstream.enabled') === true;
  const fileStore = jetstream && getPath(values, 'config.jetstream.fileStore.enabled') !== false;
  const pvc = fileStore && getPath(values, 'config.jetstream.fileStore.pvc.enabled') !== false;
  return {
    releaseName,
    namespace: str('namespaceOverride') ?? releaseNamespace,
    statefulSet: str('statefulSet.name') ?? fullname,
    volumeClaimTemplate: !pvc
      ? '(none)'
      : (str('config.jetstream.fileStore.pvc.name') ?? (fullname === undefined ? undefined : `${fullname}-js`)),
    storeDir: fileStore ? (str('config.jetstream.fileStore.dir') ?? '/data') : '(none)',
  };
}

/** Helm's `trunc 63 | trimSuffix "-"`. */
function trimName(name: string): string {
  const cut = name.slice(0, 63);
  return cut.endsWith('-') ? cut.slice(0, -1) : cut;
}

/** The nats chart source of an Argo CD Application (`spec.source` or one of `spec.sources`). */
export function natsChartSource(r: PlanResource): Record<string, unknown> | undefined {
  if (r.apiVersion !== 'argoproj.io/v1alpha1' || r.kind !== 'Application') return undefined;
  const spec = specOf(r);
  const sources = [spec.source, ...(Array.isArray(spec.sources) ? spec.sources : [])];
  const isNatsChart = (s: unknown): s is Record<string, unknown> =>
    typeof s === 'object' && s !== null && (s as { chart?: unknown }).chart === NATS_CHART_NAME;
  return sources.find(isNatsChart);
}

function getPath(doc: Record<string, unknown>, dotted: string): unknown {
  let value: unknown = doc;
  for (const key of dotted.split('.')) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}
