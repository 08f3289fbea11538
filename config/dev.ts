import { EnvironmentConfig } from '../lib/config/types';
import { OVERMIND_STREAMS } from '../lib/config/overmind-topology';

/** Development: one NATS server, R1 streams (the default on a single server), small stores. */
export const dev: EnvironmentConfig = {
  name: 'dev',
  namespace: 'overmind-dev',
  nats: {
    replicas: 1,
    // File store capacity per server (the PVC), fixed so that adding a stream that fits never changes
    // the StatefulSet. Today's streams reserve 350MiB; 2GiB (max_file_store 1.9GiB) leaves room to add streams.
    fileStorageSize: '2GiB',
    resources: { cpu: '250m', memory: '1GiB' },
  },
  streams: OVERMIND_STREAMS.map((stream) => ({
    ...stream,
    maxBytes:
      { 'routing-decisions': '100MB', 'memory-events': '200MB', 'llm-requests': '50MB' }[stream.name] ??
      stream.maxBytes,
  })),
  scalers: [
    {
      name: 'api-scaler-nats',
      target: 'overmind-api',
      consumer: 'api-consumer',
      lagThreshold: 10,
      minReplicas: 1,
      maxReplicas: 2,
    },
  ],
};
