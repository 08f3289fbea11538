import { EnvironmentConfig } from '../lib/config';

/** Production: the spec exactly (3 NATS servers, R3 streams, the spec's sizes and consumers). */
export const prod: EnvironmentConfig = {
  name: 'prod',
  namespace: 'overmind-prod',
  nats: {
    replicas: 3,
    resources: { cpu: '1', memory: '4GiB' },
  },
  scalers: [
    { name: 'api-scaler-nats', target: 'overmind-api', consumer: 'api-consumer', lagThreshold: 10, minReplicas: 2, maxReplicas: 20 },
  ],
};
