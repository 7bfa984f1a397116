import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per application instance (tests boot several in one process). */
export class Metrics {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  readonly expiryLag = new Histogram({
    name: 'grant_expiry_lag_seconds',
    help: 'How late grants ended after their expires_at',
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 15, 30, 60, 300],
    registers: [this.registry],
  });
  readonly transitions = new Counter({
    name: 'grant_transitions_total',
    help: 'Grant status changes by event',
    labelNames: ['event'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}
