// Test oracle: does what we emit beside the NATS chart (dist/<env>/manifests, the Helm values) fit
// what the REAL chart renders from those values? Each check returns the problems it finds (empty:
// fine), so a test can run it on the committed output and on a mutated copy that must fail.
// Chart facts: ../shared/upstream/nats-chart-2.14.2 (files/stateful-set/*.yaml, files/config/*.yaml).
import { DistObject } from './dist';
import { ChartObject, RenderedNatsChart } from './nats-chart';
import { NatsConfMap, natsSizeToBytes, parseChartNatsConf, RawValue } from './nats-conf';

type AnyObject = ChartObject | DistObject;
type Labels = Record<string, string>;

const isSubset = (subset: Labels, of: Labels | undefined) => Object.entries(subset).every(([k, v]) => of?.[k] === v);
const podLabels = (o: any): Labels | undefined => o.spec?.template?.metadata?.labels;
const containersOf = (o: any): any[] => o.spec?.template?.spec?.containers ?? [];
const describeObject = (o: AnyObject) => `${o.kind}/${o.metadata.name}`;

/** The manifests this oracle reads, by kind. */
export interface EmittedObjects {
  readonly metricsService: DistObject & { spec: any };
  readonly scaledObjects: ReadonlyArray<DistObject & { spec: any }>;
}

/**
 * Our metrics Service (10-service-nats-metrics.yaml) selects exactly the server pods: its selector
 * matches the StatefulSet's pod template and no other workload the chart renders (nats-box), and
 * each port targets a port the server pod's exporter container exposes.
 */
export function metricsServiceProblems(chart: RenderedNatsChart, emitted: EmittedObjects): string[] {
  const problems: string[] = [];
  const service = emitted.metricsService;
  const selector: Labels = service.spec.selector ?? {};
  if (Object.keys(selector).length === 0) problems.push(`${describeObject(service)} has an empty selector`);
  const sts = chart.statefulSet;
  if (!isSubset(selector, podLabels(sts))) {
    problems.push(
      `${describeObject(service)} selector ${JSON.stringify(selector)} does not match the pods of ` +
        `${describeObject(sts)} ${JSON.stringify(podLabels(sts))}`,
    );
  }
  for (const workload of chart.objects.filter((o) => o !== sts && podLabels(o))) {
    if (isSubset(selector, podLabels(workload))) {
      problems.push(`${describeObject(service)} also selects the pods of ${describeObject(workload)}`);
    }
  }
  const exposed = containersOf(sts).flatMap((c) =>
    (c.ports ?? []).map((p: any) => ({ container: c.name, name: p.name, port: p.containerPort })),
  );
  for (const port of service.spec.ports ?? []) {
    const target = exposed.find((p) => p.name === port.targetPort || p.port === port.targetPort);
    const where = `${describeObject(service)} port ${port.name} targets`;
    if (!target) problems.push(`${where} ${port.targetPort}, which no container of ${describeObject(sts)} exposes`);
    else if (target.container !== 'prom-exporter') problems.push(`${where} ${target.container}, not the exporter`);
  }
  return problems;
}

/**
 * Every KEDA nats-jetstream trigger reads `/jsz` from `<headless Service>.<ns>.svc.cluster.local:<port>`,
 * where that Service is the one governing the StatefulSet (so `<pod>.<host>` resolves to each pod,
 * as KEDA needs to reach the consumer leader), is headless, and exposes that port, named `monitor`,
 * on the server container's monitor port.
 */
export function kedaEndpointProblems(chart: RenderedNatsChart, emitted: EmittedObjects): string[] {
  const problems: string[] = [];
  const sts = chart.statefulSet;
  const triggers = emitted.scaledObjects.flatMap((so) =>
    (so.spec.triggers ?? [])
      .filter((t: any) => t.type === 'nats-jetstream')
      .map((t: any) => ({ so, endpoint: String(t.metadata?.natsServerMonitoringEndpoint ?? '') })),
  );
  for (const { so, endpoint } of triggers) {
    const where = `${describeObject(so)} natsServerMonitoringEndpoint "${endpoint}"`;
    const m = /^([^:]+):(\d+)$/.exec(endpoint);
    if (!m) {
      problems.push(`${where} is not host:port`);
      continue;
    }
    const [, host, port] = m;
    const service = chart.objects.find(
      (o) => o.kind === 'Service' && `${o.metadata.name}.${o.metadata.namespace}.svc.cluster.local` === host,
    );
    if (!service) {
      problems.push(`${where}: no rendered Service is ${host}`);
      continue;
    }
    if (service.metadata.name !== sts.spec.serviceName) {
      problems.push(
        `${where}: ${describeObject(service)} is not the StatefulSet's serviceName ` + `"${sts.spec.serviceName}"`,
      );
    }
    if (service.spec.clusterIP !== 'None') problems.push(`${where}: ${describeObject(service)} is not headless`);
    const servicePort = (service.spec.ports ?? []).find((p: any) => p.port === Number(port));
    if (!servicePort) {
      problems.push(`${where}: ${describeObject(service)} does not expose port ${port}`);
      continue;
    }
    if (servicePort.name !== 'monitor') {
      problems.push(
        `${where}: port ${port} of ${describeObject(service)} is "${servicePort.name}", ` + 'not the monitor port',
      );
    }
    const nats = containersOf(sts).find((c) => c.name === 'nats');
    const target = servicePort.targetPort;
    const monitor = (nats?.ports ?? []).find((p: any) => p.name === target || p.containerPort === target);
    if (!monitor || monitor.name !== 'monitor') {
      problems.push(`${where}: the Service's port targets ${target}, not the server's monitor port`);
    }
  }
  return problems;
}

/**
 * The client token reaches the server only through $NATS_TOKEN from the Secret: nats.conf reads the
 * variable, every container env NATS_TOKEN is a secretKeyRef to `secret`, and no rendered object
 * carries a token value (ConfigMap config, container env, the nats-box contexts Secret).
 */
export function tokenProblems(chart: RenderedNatsChart, secret: { name: string; key: string }): string[] {
  const problems: string[] = [];
  const conf = parseChartNatsConf(chart.natsConf);
  const authorization = conf.authorization as NatsConfMap | undefined;
  const token = authorization?.token;
  if (!(token instanceof RawValue && token.text === '$NATS_TOKEN')) {
    const shown = token instanceof RawValue ? token.text : JSON.stringify(token);
    problems.push(`nats.conf authorization.token is ${shown}, not $NATS_TOKEN`);
  }
  const workloads = chart.objects.filter((o) => podLabels(o));
  let fromSecret = 0;
  for (const workload of workloads) {
    for (const container of [...containersOf(workload), ...(workload.spec.template.spec.initContainers ?? [])]) {
      for (const env of container.env ?? []) {
        if (!/token/i.test(env.name)) continue;
        const ref = env.valueFrom?.secretKeyRef;
        if (env.value !== undefined || !ref || ref.name !== secret.name || ref.key !== secret.key) {
          problems.push(
            `${describeObject(workload)} container ${container.name} env ${env.name} is ` +
              `${JSON.stringify(env.value ?? env.valueFrom)}, not secretKeyRef ${secret.name}/${secret.key}`,
          );
        } else if (container.name === 'nats') fromSecret++;
      }
    }
  }
  if (fromSecret === 0) problems.push(`the nats container has no NATS_TOKEN from Secret ${secret.name}`);
  for (const obj of chart.objects.filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap')) {
    const entries = { ...(obj as any).data, ...(obj as any).stringData } as Record<string, string>;
    for (const [key, text] of Object.entries(entries)) {
      const base64 = obj.kind === 'Secret' && (obj as any).data?.[key] === text;
      const decoded = base64 ? Buffer.from(text, 'base64').toString('utf8') : text;
      const literal = /"?(token|password|pass)"?\s*[:=]\s*(?!\$NATS_TOKEN\b)("[^"]*"|[^\s,}]+)/i.exec(decoded);
      if (literal) problems.push(`${describeObject(obj)} ${key} holds a literal ${literal[1]}`);
    }
  }
  return problems;
}

/** What lib/constructs/nats/nats-helm-values.ts intends for each node's storage, in bytes. */
export interface IntendedStorage {
  readonly pvcBytes: number;
  readonly maxFileStoreBytes: number;
  readonly maxMemoryStoreBytes: number;
}

/** A Kubernetes quantity of bytes (`9Gi`, `500M`, `1024`). */
export function quantityToBytes(quantity: string): number {
  const m = /^(\d+)(Ki|Mi|Gi|Ti|Pi|k|M|G|T|P)?$/.exec(String(quantity).trim());
  if (!m) throw new Error(`not a byte quantity: ${quantity}`);
  const factor: Record<string, number> = {
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
  };
  return Number(m[1]) * (m[2] ? factor[m[2]] : 1);
}

/** The JetStream PVC of the StatefulSet and the store limits of nats.conf are what we intend. */
export function storageProblems(chart: RenderedNatsChart, intended: IntendedStorage): string[] {
  const problems: string[] = [];
  const sts = chart.statefulSet;
  const nats = containersOf(sts).find((c) => c.name === 'nats');
  const conf = parseChartNatsConf(chart.natsConf);
  const jetstream = (conf.jetstream ?? {}) as NatsConfMap;
  const storeDir = String(jetstream.store_dir);
  const mount = (nats?.volumeMounts ?? []).find((m: any) => m.mountPath === storeDir);
  const claim = (sts.spec.volumeClaimTemplates ?? []).find((t: any) => t.metadata.name === mount?.name);
  if (!claim) {
    problems.push(`no volumeClaimTemplate is mounted at the JetStream store_dir ${storeDir}`);
  } else {
    const pvc = quantityToBytes(claim.spec.resources.requests.storage);
    const requested = claim.spec.resources.requests.storage;
    if (pvc !== intended.pvcBytes) {
      problems.push(`the JetStream PVC requests ${requested} (${pvc} bytes), we intend ${intended.pvcBytes}`);
    }
  }
  const file = natsSizeToBytes(jetstream.max_file_store);
  if (file !== intended.maxFileStoreBytes) {
    problems.push(`nats.conf max_file_store is ${file} bytes, we intend ${intended.maxFileStoreBytes}`);
  }
  const memory = natsSizeToBytes(jetstream.max_memory_store);
  if (memory !== intended.maxMemoryStoreBytes) {
    problems.push(`nats.conf max_memory_store is ${memory} bytes, we intend ${intended.maxMemoryStoreBytes}`);
  }
  return problems;
}

/** The `-prefix=` the chart gives prometheus-nats-exporter (files/stateful-set/prom-exporter-container.yaml). */
export function exporterPrefix(chart: RenderedNatsChart): string | undefined {
  const exporter = containersOf(chart.statefulSet).find((c) => c.name === 'prom-exporter');
  const arg = (exporter?.args ?? []).find((a: string) => /^--?prefix=/.test(a));
  return arg?.replace(/^--?prefix=/, '');
}

/**
 * Every exporter metric our alerts and dashboard read starts with the exporter's prefix. `queried`
 * are the metric names in their expressions; `recorded` the series our own rules record (and `up`,
 * Prometheus' own), which are not the exporter's.
 */
export function exporterPrefixProblems(
  chart: RenderedNatsChart,
  queried: readonly string[],
  recorded: ReadonlySet<string>,
): string[] {
  const prefix = exporterPrefix(chart);
  if (prefix === undefined) return ['the exporter container has no -prefix argument'];
  const fromExporter = queried.filter((m) => !recorded.has(m) && m !== 'up');
  if (fromExporter.length === 0) return ['no exporter metric is queried: nothing to check'];
  return [...new Set(fromExporter.filter((m) => !m.startsWith(`${prefix}_`)))].map(
    (m) => `${m} is queried, but the exporter runs with -prefix=${prefix}, so its metrics are ${prefix}_*`,
  );
}
