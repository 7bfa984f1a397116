import { Global, Module } from '@nestjs/common';
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

  readonly decisions = new Counter({
    name: 'decisions_total',
    help: 'Cedar evaluations (requests, simulations, re-evaluations; a request may take several) by outcome',
    labelNames: ['decision'],
    registers: [this.registry],
  });
  readonly deliveries = new Counter({
    name: 'notification_deliveries_total',
    help: 'Notification delivery attempts by kind (email.approver, webhook.event, ...) and outcome (sent, failed, already_sent, skipped)',
    labelNames: ['kind', 'outcome'],
    registers: [this.registry],
  });
  readonly rateLimited = new Counter({
    name: 'rate_limited_total',
    help: 'Requests refused with 429 by limit (ip, key, auth_failures)',
    labelNames: ['limit'],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

/** The application's one registry, for every module that counts something. */
@Global()
@Module({ providers: [Metrics], exports: [Metrics] })
export class MetricsRegistryModule {}
