// deploy/ stays honest: every metric an alert rule or the Grafana dashboard reads is exported
// by a service started exactly as deploy/kubernetes starts it, and so are the runbook's metrics.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { deployQueries } from './deploy-queries.js';
import {
  deployedContainers,
  startDeployed,
  type DeployedContainer,
  type RunningService,
} from './deployed-services.js';
import {
  isExported,
  mergeExports,
  parseExposition,
  unexportedUses,
  type ExportedMetrics,
  type NamedQuery,
} from './exported-metrics.js';
import { metricNames } from './promql-names.js';

/** The metrics the operator runbook's alerts read (DESIGN.md). */
const RUNBOOK_METRICS = [
  'http_requests_total',
  'http_request_duration_seconds',
  'calls_total',
  'calls_failed_total',
  'asr_confidence_score',
  'auth_failures_total',
  'mongodb_up',
];

/**
 * What both pods read from the voice-agent-secrets Secret and this check needs: with a service
 * token the media core runs its outbox to the control API (and exports the outbox metrics).
 */
const SECRET_ENV = { CONTROL_SERVICE_TOKEN: 'deploy-check-service-token' };

function containerOf(containers: DeployedContainer[], deployment: string): DeployedContainer {
  const found = containers.find((container) => container.deployment === deployment);
  assert.ok(found, `deploy/kubernetes has no Deployment named ${deployment}`);

  return found;
}

describe('deploy/ reads only exported metrics', () => {
  const services: RunningService[] = [];
  let exported: ExportedMetrics;
  let perService: Map<string, ExportedMetrics>;
  let rules: NamedQuery[];
  let panels: NamedQuery[];

  before(async () => {
    ({ rules, panels } = await deployQueries());
    const containers = await deployedContainers();

    const api = await startDeployed(containerOf(containers, 'voice-control-api'), SECRET_ENV);
    services.push(api);
    // The media core reports to the control API started above, as in the cluster.
    const media = await startDeployed(containerOf(containers, 'voice-media-core'), {
      ...SECRET_ENV,
      CONTROL_API_URL: api.baseUrl,
    });
    services.push(media);

    perService = new Map();
    for (const service of services) {
      perService.set(service.deployment, parseExposition(await service.scrape()));
    }
    exported = mergeExports(...perService.values());
  });
  after(() => Promise.all(services.map((service) => service.stop())));

  it('finds the rules and panels, each reading at least one metric', () => {
    assert.ok(rules.length >= 9, `expected the runbook's alert rules, found ${rules.length}`);
    assert.ok(panels.length >= 15, `expected the dashboard's queries, found ${panels.length}`);

    for (const query of [...rules, ...panels]) {
      assert.ok(metricNames(query.expr).length > 0, `${query.where} reads no metric`);
    }
  });

  it('every alert rule reads only exported metrics', () => {
    assert.deepEqual(unexportedUses(rules, exported), []);
  });

  it('every dashboard query reads only exported metrics', () => {
    assert.deepEqual(unexportedUses(panels, exported), []);
  });

  it("exports the runbook's metrics, with histograms where the runbook reads buckets", () => {
    const missing = RUNBOOK_METRICS.filter((name) => !exported.has(name));

    assert.deepEqual(missing, []);
    assert.equal(exported.get('http_request_duration_seconds'), 'histogram');
    assert.equal(exported.get('asr_confidence_score'), 'histogram');
    assert.equal(perService.get('voice-control-api')?.get('mongodb_up'), 'gauge');
  });

  it("exports the media core's own metrics: frames, latency, calls, failovers, barge-ins", () => {
    const media = perService.get('voice-media-core') ?? new Map<string, string>();
    const expected = [
      'media_frames_total',
      'media_frame_latency_seconds',
      'media_active_calls',
      'media_protocol_errors_total',
      'asr_failovers_total',
      'bargein_total',
      'turn_latency_seconds',
    ];

    assert.deepEqual(
      expected.filter((name) => !media.has(name)),
      [],
    );
  });

  it('catches a rule that reads a metric no service exports', () => {
    const madeUp: NamedQuery[] = [
      { where: 'rule MadeUp', expr: 'sum(rate(media_frames_lost_total[5m])) > 0' },
      {
        where: 'rule CounterBucket',
        expr: 'histogram_quantile(0.9, rate(calls_total_bucket[5m]))',
      },
      { where: 'rule RegexName', expr: 'count({__name__=~"media_.*"})' },
      { where: 'rule Fine', expr: 'rate(http_request_duration_seconds_count[5m])' },
    ];

    assert.deepEqual(unexportedUses(madeUp, exported), [
      { where: 'rule MadeUp', missing: ['media_frames_lost_total'] },
      { where: 'rule CounterBucket', missing: ['calls_total_bucket'] },
      { where: 'rule RegexName', missing: ['__name__=~'] },
    ]);
    assert.equal(isExported('media_frame_latency_seconds_bucket', exported), true);
  });
});
