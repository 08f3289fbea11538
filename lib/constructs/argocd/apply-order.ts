// One ordering for everything that applies manifests: file-name prefixes for `kubectl apply -f`
// (which takes files in name order) and Argo CD sync waves. NATS and NACK themselves (Helm
// releases) come first; then what NACK needs: the Account it connects with, streams, consumers;
// monitoring; KEDA scalers last, since a scaler that cannot find its consumer makes the workload
// Degraded (keda-prom-argo.md (d)).
export const APPLY_ORDER: Readonly<Record<string, number>> = {
  Namespace: 0,
  NetworkPolicy: 5,
  ConfigMap: 5,
  Service: 10,
  // NACK reads the Account when it reconciles a Stream or Consumer that names it.
  Account: 15,
  Stream: 20,
  Consumer: 30,
  ServiceMonitor: 40,
  PodMonitor: 40,
  PrometheusRule: 40,
  ScaledObject: 50,
};

/** Wave of a kind; unknown kinds go with the monitoring objects, before the scalers. */
export function applyOrderOf(kind: string): number {
  return APPLY_ORDER[kind] ?? 45;
}
