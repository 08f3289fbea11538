import { createHash } from 'crypto';
import { annotateForArgoCd } from '../lib/constructs/argocd/argocd-sync';
import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { fencedAppProject } from '../lib/constructs/argocd/argocd-objects';
import { nackCrdsApplication, NACK_GIT_REPO_URL } from '../lib/constructs/argocd/argocd-nack-crds-application';
import { HasDistFolder } from '../tools/dist/dist-writer';
import { fail } from '../lib/config/errors';
import { NACK_VERSION } from '../lib/constructs/jetstream/nack-helm-values';
import { IN_CLUSTER_SERVER, ResolvedGitOps } from './overmind-argocd-chart';

/** dist/ folder of what each cluster needs once: dist/clusters/<cluster>/argocd/. Never an environment name. */
export const CLUSTERS_DIST_FOLDER = 'clusters';
/** Longest cluster folder name, so `overmind-nack-crds-<cluster>` stays a 63-character label value. */
const MAX_CLUSTER_NAME = 40;

/** One environment as the cluster-wide objects see it. */
export interface ClusterEnvironment {
  readonly environment: string;
  readonly namespace: string;
  readonly gitops: ResolvedGitOps;
}

/** Environments that deploy to the same cluster (the same `gitops.destinationServer`). */
export interface ClusterGroup {
  readonly destinationServer: string;
  /** Folder and name part: `in-cluster` for Argo CD's own cluster, else from the server URL. */
  readonly clusterName: string;
  readonly environments: readonly ClusterEnvironment[];
}

/**
 * Groups environments by destination cluster, in config order, and checks what must hold inside
 * one cluster: each environment has its own namespace (two NATS releases and two NACK controllers
 * would otherwise fight over one namespace), and they share one Argo CD namespace (one Argo CD
 * owns the cluster's CRDs Application).
 */
export function groupByCluster(environments: readonly ClusterEnvironment[]): ClusterGroup[] {
  const groups = new Map<string, ClusterEnvironment[]>();
  for (const env of environments) {
    if (env.environment === CLUSTERS_DIST_FOLDER) {
      fail(env.environment, {
        resource: `Environment "${env.environment}"`,
        field: 'name',
        value: env.environment,
        allowed:
          `any name but "${CLUSTERS_DIST_FOLDER}" ` +
          `(dist/${CLUSTERS_DIST_FOLDER}/ holds what each cluster needs once)`,
        fix: 'rename the environment',
      });
    }
    const server = env.gitops.destinationServer;
    const group = groups.get(server) ?? [];
    const sameNamespace = group.find((other) => other.namespace === env.namespace);
    if (sameNamespace) {
      fail(env.environment, {
        resource: `Environment "${env.environment}"`,
        field: 'namespace',
        value: env.namespace,
        allowed:
          `a namespace no other environment on cluster ${server} uses (environment ` +
          `"${sameNamespace.environment}" uses it): two NATS releases and two NACK controllers ` +
          'would manage the same objects',
        fix:
          `give each environment its own namespace, e.g. "overmind-${env.environment}", ` +
          'or deploy it to another cluster (gitops.destinationServer)',
      });
    }
    const otherArgo = group.find((other) => other.gitops.argoNamespace !== env.gitops.argoNamespace);
    if (otherArgo) {
      const expected = otherArgo.gitops.argoNamespace;
      fail(env.environment, {
        resource: `Argo CD settings (gitops) of environment "${env.environment}"`,
        field: 'gitops.argoNamespace',
        value: env.gitops.argoNamespace,
        allowed:
          `"${expected}", the Argo CD namespace of environment "${otherArgo.environment}" on the same cluster ` +
          `${server}: the cluster's NACK CRDs are owned by one Application in one Argo CD`,
        fix: `set gitops.argoNamespace to "${expected}" for both environments`,
      });
    }
    group.push(env);
    groups.set(server, group);
  }
  const servers = [...groups.keys()];
  const names = servers.map(clusterNameOf);
  return servers.map((server, i) => {
    const clash = names.some((name, j) => j !== i && name === names[i]);
    // Two URLs that read the same once slugged (https://a.b vs https://a-b) get a hash each.
    const clusterName = clash ? withHash(names[i], server) : names[i];
    return { destinationServer: server, clusterName, environments: groups.get(server)! };
  });
}

/**
 * A folder and object-name part for a cluster's API server URL: `in-cluster` (Argo CD's own name
 * for it) for https://kubernetes.default.svc, else host, port and path in lowercase with `-`
 * (`https://k8s.prod.example.com:6443` → `k8s-prod-example-com-6443`), shortened with a hash.
 */
export function clusterNameOf(server: string): string {
  if (server === IN_CLUSTER_SERVER) return 'in-cluster';
  const url = new URL(server);
  const slug = `${url.hostname}-${url.port}-${url.pathname}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug.length <= MAX_CLUSTER_NAME ? slug : withHash(slug, server);
}

/** `name` shortened to leave room for `-<8 hex digits of sha256(server)>`, within MAX_CLUSTER_NAME. */
function withHash(name: string, server: string): string {
  const hash = createHash('sha256').update(server).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_CLUSTER_NAME - hash.length - 1).replace(/-+$/, '')}-${hash}`;
}

/**
 * What one cluster needs once, whatever environments it runs, written to
 * dist/clusters/<cluster>/argocd/: an AppProject that may only create NACK's CRDs in that cluster,
 * and the Application that installs them (lib/constructs/argocd/argocd-nack-crds-application.ts). Apply the folder
 * once per cluster, before the environments' folders (docs/gitops.md).
 */
export class NackClusterChart extends Chart implements HasDistFolder {
  public readonly distFolder: string;

  constructor(scope: Construct, group: ClusterGroup) {
    const argoNamespace = group.environments[0].gitops.argoNamespace;
    super(scope, `${CLUSTERS_DIST_FOLDER}-${group.clusterName}`, {
      namespace: argoNamespace,
      labels: {
        'app.kubernetes.io/managed-by': 'cdk8s',
        'app.kubernetes.io/part-of': 'overmind-nats',
        'overmind.dev/cluster': group.clusterName,
      },
      disableResourceNameHashes: true,
    });
    this.distFolder = `${CLUSTERS_DIST_FOLDER}/${group.clusterName}/argocd`;
    const project = `overmind-cluster-${group.clusterName}`;
    // The destination namespace is `*` because cluster-scoped objects have none; refusing every namespaced kind is
    // what keeps the project out of every namespace.
    fencedAppProject(this, {
      name: project,
      argoNamespace,
      description:
        `Overmind NATS: what cluster ${group.destinationServer} needs once (NACK CRDs), ` +
        `for environments ${group.environments.map((e) => e.environment).join(', ')} (generated by overmind-nats)`,
      sourceRepos: [NACK_GIT_REPO_URL],
      destination: { server: group.destinationServer, namespace: '*' },
      clusterResources: [
        { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', name: '*.jetstream.nats.io' },
      ],
      noNamespacedObjects: true,
    });
    nackCrdsApplication(this, {
      name: `overmind-nack-crds-${group.clusterName}`,
      argoNamespace,
      project,
      destination: { server: group.destinationServer },
      nackVersion: NACK_VERSION,
      // A person syncs CRD upgrades when any environment on the cluster wants manual syncs.
      automated: group.environments.every((e) => e.gitops.automatedSync),
    });
    annotateForArgoCd(this);
  }
}
