import { EnvironmentConfig } from '../lib/config/types';
import { OVERMIND_STREAMS } from '../lib/config/overmind-topology';

/** Staging: clustered like prod (3 servers, R3) with a fifth of prod's stream sizes and fewer workers. */
export const staging: EnvironmentConfig = {
  name: 'staging',
  namespace: 'overmind-staging',
  nats: {
    replicas: 3,
    // File store capacity per server (the PVC), fixed so that adding a stream that fits never changes
    // the StatefulSet. Today's streams reserve 1.3GiB per server; 4GiB (max_file_store 3.8GiB) leaves room
    // to add streams.
    fileStorageSize: '4GiB',
    resources: { cpu: '500m', memory: '2GiB' },
  },
  streams: OVERMIND_STREAMS.map((stream) => ({
    ...stream,
    maxBytes:
      { 'routing-decisions': '200MB', 'memory-events': '1GB', 'llm-requests': '100MB' }[stream.name] ?? stream.maxBytes,
  })),
  scalers: [
    {
      name: 'api-scaler-nats',
      target: 'overmind-api',
      consumer: 'api-consumer',
      lagThreshold: 10,
      minReplicas: 1,
      maxReplicas: 5,
    },
  ],
};
