// Provider breakers reported on /health: an open breaker means calls run on a fallback (or on
// nothing), which an operator should see without reading /metrics.
import type { BreakerRegistry } from '../speech/breaker.js';
import type { HealthState } from './health.js';

/**
 * Marks /health `degraded` while any provider's breaker is open, naming the provider and why;
 * a good probe closes the breaker and clears the mark. Returns a function that stops reporting.
 */
export function reportProviderHealth(breakers: BreakerRegistry, health: HealthState): () => void {
  const opened = (provider: string, reason: string): void =>
    health.markDegraded(provider, `breaker open: ${reason}`);
  const closed = (provider: string): void => health.clearDegraded(provider);

  breakers.on('open', opened);
  breakers.on('close', closed);

  return () => {
    breakers.off('open', opened);
    breakers.off('close', closed);
  };
}
