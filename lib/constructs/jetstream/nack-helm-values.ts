import { Construct } from 'constructs';

/**
 * The nats-io/k8s `nack` chart our values are written and tested for. Its `crds/crds.yml` equals
 * NACK's deploy/crds.yml at NACK_VERSION.
 */
export const NACK_CHART_VERSION = '0.33.2';
/**
 * NACK release whose CRDs we install (lib/constructs/argocd/argocd-nack-crds-application.ts) and whose source we read.
 * The chart runs the jetstream-controller image 0.22.2 (its appVersion): `internal/`, `cmd/`,
 * `controllers/`, `pkg/` and `deploy/` are unchanged between nack v0.22.2 and v0.22.4.
 */
export const NACK_VERSION = 'v0.22.4';
/** Helm release name of the NACK chart in each environment's namespace. */
export const NACK_RELEASE_NAME = 'nack';
/** A pod label we own on the NACK controller pods (chart `global.labels`), for NetworkPolicies. */
export const NACK_COMPONENT_LABEL = { 'overmind.dev/component': 'nack' } as const;

export interface NackHelmValuesProps {
  /** The environment's namespace: NACK runs there and reconciles only there. */
  readonly namespace: string;
}

/**
 * Values for the NACK Helm chart (nats-io/k8s `nack` 0.33.2, ../shared/upstream/nack-chart-0.33.2),
 * one controller per environment, in the environment's namespace:
 *
 * - `jetstream.controlLoop: true`: the controller-runtime reconcilers (`--control-loop`,
 *   nats-io/nack v0.22.4 cmd/jetstream-controller/main.go:77,97-124). They reconcile every
 *   `--sync-interval` (1m) and so re-create a stream or consumer lost on the server, and they read
 *   the connection from each CR's Account (internal/controller/jetstream_controller.go:139-390).
 *   Legacy mode only reacts to CR events and ignores Accounts without `--crd-connect`.
 * - no `jetstream.nats.url`: the chart then passes `-crd-connect`
 *   (templates/deployment-jetstream-controller.yml:91-95), which satisfies main.go:88 ("NATS
 *   Server URL is required" otherwise) and leaves no global server: every connection comes from
 *   an Account (lib/constructs/jetstream/nack-account.ts), none from a default that would lack the token.
 * - `namespaced: true`: `--namespace=<ns>` (deployment template :102-104), which restricts the
 *   manager's cache to that namespace (main.go:183-189) and skips CRs elsewhere
 *   (jetstream_controller.go:93-96), and a Role instead of a ClusterRole
 *   (templates/rbac-jetstream-controller.yml:1-2). So environments sharing a cluster never
 *   reconcile each other's CRs, and the release renders no cluster-scoped object.
 * - `namespaceOverride`: the chart's objects and the `--namespace` flag name the environment's
 *   namespace whatever the release namespace is.
 * - `useLegacyNames: false`: the chart's `app.kubernetes.io/*` labels (the chart recommends it for new installs).
 * - `global.labels`: our own labels on every object and pod, which the NetworkPolicies select.
 * CRDs are not installed by this release (Argo CD `helm.skipCrds`, `helm --skip-crds`): they are
 * cluster-wide and installed once per cluster (docs/gitops.md).
 */
export class NackHelmValues extends Construct {
  public readonly releaseName = NACK_RELEASE_NAME;
  public readonly chartVersion = NACK_CHART_VERSION;
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: NackHelmValuesProps) {
    super(scope, id);
    this.namespace = props.namespace;
  }

  /** Labels every NACK controller pod of this release carries (our `global.labels`). */
  get podLabels(): Record<string, string> {
    return { ...NACK_COMPONENT_LABEL };
  }

  /** The values document, keys in the chart's own layout. */
  get values(): Record<string, unknown> {
    return {
      namespaceOverride: this.namespace,
      namespaced: true,
      useLegacyNames: false,
      global: { labels: { 'app.kubernetes.io/part-of': 'overmind-nats', ...NACK_COMPONENT_LABEL } },
      jetstream: { controlLoop: true },
      resources: {
        requests: { cpu: '50m', memory: '64Mi' },
        limits: { memory: '256Mi' },
      },
    };
  }
}
