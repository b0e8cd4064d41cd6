// The outbox's prom-client metrics, on the registry the media core passes in.
import { Counter, Gauge, type Registry } from 'prom-client';

/** The outbox's metrics. */
export interface OutboxMetrics {
  /** Events enqueued and not yet delivered or dead-lettered (memory and disk). */
  pending: Gauge;
  /** Events the API confirmed (stored now or already). */
  delivered: Counter;
  /** Delivery attempts that failed and will be retried. */
  retries: Counter;
  /** Events the API refused for good, written to the dead-letter file. */
  deadLetters: Counter;
  /** Events written to disk because the API was down, memory was full, or on close. */
  spilled: Counter;
}

/** Creates the metrics, or reuses them when another outbox registered them on this registry. */
export function outboxMetrics(registry: Registry): OutboxMetrics {
  const gauge = (name: string, help: string): Gauge =>
    (registry.getSingleMetric(name) as Gauge | undefined) ??
    new Gauge({ name, help, registers: [registry] });
  const counter = (name: string, help: string): Counter =>
    (registry.getSingleMetric(name) as Counter | undefined) ??
    new Counter({ name, help, registers: [registry] });

  return {
    pending: gauge('control_outbox_pending', 'Call events waiting for delivery to the control API'),
    delivered: counter('control_outbox_delivered_total', 'Call events the control API confirmed'),
    retries: counter(
      'control_outbox_retries_total',
      'Failed deliveries to the control API that will be retried',
    ),
    deadLetters: counter(
      'control_outbox_dead_letters_total',
      'Call events the control API refused for good',
    ),
    spilled: counter(
      'control_outbox_spilled_total',
      'Call events written to the outbox journal on disk',
    ),
  };
}
