// The PromQL name finder the deploy check relies on: what counts as a metric name and what not.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseExposition, isExported } from './exported-metrics.js';
import { metricNames, tokenize, unresolvedNameMatchers } from './promql-names.js';

describe('metricNames', () => {
  it('skips functions, aggregations, grouping labels, durations and numbers', () => {
    const expr = `histogram_quantile(0.95, sum by (le, route) (rate(http_request_duration_seconds_bucket[5m]))) > 1e-3`;

    assert.deepEqual(metricNames(expr), ['http_request_duration_seconds_bucket']);
  });

  it('finds every selector of a binary expression, once each', () => {
    const expr = `increase(calls_failed_total[15m]) / clamp_min(increase(calls_total[15m]), 1) > 0.2
      or calls_failed_total offset 1h`;

    assert.deepEqual(metricNames(expr), ['calls_failed_total', 'calls_total']);
  });

  it('ignores label matchers, even strings holding braces or keywords', () => {
    const expr = `sum(rate(http_requests_total{status=~"5..", route!="/x{y}", method='by'}[5m]))`;

    assert.deepEqual(metricNames(expr), ['http_requests_total']);
  });

  it('ignores on/ignoring/group_left label lists and set operators', () => {
    const expr = `a_total * on (pod) group_left (node) b_info unless ignoring (job) c_up == bool 1`;

    assert.deepEqual(metricNames(expr), ['a_total', 'b_info', 'c_up']);
  });

  it('reads __name__ equality matchers and reports regex ones', () => {
    assert.deepEqual(metricNames('{__name__="mongodb_up", job="x"}'), ['mongodb_up']);
    assert.deepEqual(unresolvedNameMatchers('{__name__=~"media_.*"}'), ['__name__=~']);
  });

  it("skips Grafana's variables", () => {
    const expr = 'sum by (kind) (rate(media_protocol_errors_total{pod=~"$pod"}[$__rate_interval]))';

    assert.deepEqual(metricNames(expr), ['media_protocol_errors_total']);
  });

  it('refuses what it cannot read instead of passing it', () => {
    assert.throws(() => tokenize('rate(x[5m]) ? 1'), /unexpected character/);
    assert.throws(() => metricNames('sum(rate(x[5m])'), /unbalanced/);
    assert.throws(() => metricNames('x{a="b}'), /unterminated/);
  });
});

describe('parseExposition', () => {
  it('reads families from TYPE lines, so untouched labelled metrics count', () => {
    const text = [
      '# HELP turn_latency_seconds Turn latency',
      '# TYPE turn_latency_seconds histogram',
      '# HELP bargein_total Barge-ins',
      '# TYPE bargein_total counter',
      'bargein_total 0',
    ].join('\n');
    const exported = parseExposition(text);

    assert.equal(isExported('turn_latency_seconds_bucket', exported), true);
    assert.equal(isExported('turn_latency_seconds_count', exported), true);
    assert.equal(isExported('bargein_total', exported), true);
    assert.equal(isExported('bargein_total_sum', exported), false);
    assert.equal(isExported('bargein', exported), false);
  });
});
