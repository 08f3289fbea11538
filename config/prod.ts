import { EnvironmentConfig } from '../lib/config/types';

/** Production: the spec exactly (3 NATS servers, R3 streams, the spec's sizes and consumers). */
export const prod: EnvironmentConfig = {
  name: 'prod',
  namespace: 'overmind-prod',
  nats: {
    replicas: 3,
    // File store capacity per server (the PVC), fixed so that adding a stream that fits never changes
    // the StatefulSet. Today's streams reserve 6.5GiB per server; 16GiB (max_file_store 15.2GiB) leaves room for
    // streams such as the README's audit-log (2GB) without touching the StatefulSet.
    fileStorageSize: '16GiB',
    resources: { cpu: '1', memory: '4GiB' },
  },
  scalers: [
    {
      name: 'api-scaler-nats',
      target: 'overmind-api',
      consumer: 'api-consumer',
      lagThreshold: 10,
      minReplicas: 2,
      maxReplicas: 20,
    },
  ],
};
