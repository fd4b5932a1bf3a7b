#!/usr/bin/env python3
"""Writes ops/grafana/dashboards/paywatch.json. Edit the panels here, then run: python3 ops/grafana/make-dashboard.py

Metric names are the Micrometer names the services register, as Prometheus exposes them
(dots become underscores, counters end in _total, timers in _seconds_*), read from the services' /prometheus
output. LocalStackEndToEndTest runs every query against a real Prometheus scraping the running demo and fails
on a query without data or a metric no service exports."""
import json, os

DS = {"type": "prometheus", "uid": "paywatch-prometheus"}
panels = []


def panel(title, exprs, x, y, w=12, h=8, kind="timeseries", unit=None, desc=""):
    p = {
        "id": len(panels) + 1, "type": kind, "title": title, "description": desc, "datasource": DS,
        "gridPos": {"x": x, "y": y, "w": w, "h": h},
        "targets": [{"refId": chr(65 + i), "datasource": DS, "expr": e, "legendFormat": lf}
                    for i, (e, lf) in enumerate(exprs)],
        "fieldConfig": {"defaults": {"unit": unit} if unit else {}, "overrides": []},
        "options": {"legend": {"displayMode": "list", "placement": "bottom"}} if kind == "timeseries" else {},
    }
    panels.append(p)


panel("Services up", [('up{job=~"invoice-producer|stream-processor|alert-service"}', "{{job}}")],
      0, 0, w=6, h=4, kind="stat", desc="1 when Prometheus can scrape the service's /prometheus.")
panel("Streams client state", [("max by (job) (kafka_streams_client_state)", "{{job}}")],
      6, 0, w=6, h=4, kind="stat",
      desc="KafkaStreams.State ordinal: 2 = RUNNING, 1 = REBALANCING, 4 = NOT_RUNNING, 6 = ERROR.")
# Dead-letter counters appear with the first dead letter (Micrometer registers them lazily): 0 until then.
panel("Dead letters (total)", [("sum(paywatch_records_dead_lettered_total or vector(0)) + sum(paywatch_alerts_dead_lettered_total or vector(0))", "dead letters")],
      12, 0, w=6, h=4, kind="stat",
      desc="Records the stream processor or the alert service could not decode or that broke the contract; see the dead-letters topic.")
panel("Emails sent (24h)", [("sum(increase(paywatch_alerts_emails_sent_total[24h]))", "sent")],
      18, 0, w=6, h=4, kind="stat")

panel("Ingest rate (events/s)", [
    ("sum by (type, source) (rate(paywatch_producer_events_accepted_total[1m]))", "accepted {{type}} ({{source}})"),
    ("sum by (type, reason) (rate(paywatch_producer_events_rejected_total[1m]))", "rejected {{type}}: {{reason}}"),
    ('sum by (uri, status) (rate(http_server_requests_seconds_count{job="invoice-producer", uri=~"/v1/.*"}[1m]))', "HTTP {{status}} {{uri}}"),
], 0, 4, unit="ops", desc="Events accepted and rejected by the invoice-producer (API, webhooks, CSV), and its HTTP requests.")
panel("Consumer lag (records)", [
    # The stream processor's consumers, through the Kafka Streams metrics; the alert service exports no
    # consumer metrics (its consumer is not a Micronaut-managed one).
    ('max by (job, client_id) (kafka_streams_records_lag_max_records{client_id=~".*StreamThread.*"})', "{{job}} max"),
    ("sum by (job, topic) (kafka_streams_records_lag_records)", "{{job}} {{topic}}"),
], 12, 4, unit="short", desc="How far the stream processor is behind its input topics.")

panel("Alerts raised by type (per hour)", [
    ("sum by (type) (increase(paywatch_alerts_raised_total[1h]))", "{{type}}"),
], 0, 12, kind="timeseries", unit="short")
panel("Email latency: alert time to SMTP accept", [
    # The timer publishes client-side percentiles (0.5 and 0.99) as a quantile label.
    ('max by (quantile) (paywatch_alerts_email_latency_seconds{quantile=~"0.5|0.99"})', "p{{quantile}}"),
    ("sum(rate(paywatch_alerts_email_latency_seconds_sum[5m])) / sum(rate(paywatch_alerts_email_latency_seconds_count[5m]))", "mean"),
    ("max(paywatch_alerts_email_latency_seconds_max)", "max"),
], 12, 12, unit="s")

panel("Emails sent, failed, suppressed (per 5 min)", [
    ("sum(increase(paywatch_alerts_emails_sent_total[5m]))", "sent"),
    ("sum(increase(paywatch_alerts_emails_failed_total[5m]))", "failed SMTP attempts"),
    ("sum by (reason) (increase(paywatch_alerts_emails_suppressed_total[5m]))", "suppressed {{reason}}"),
], 0, 20, unit="short")
panel("Dead letters (per 5 min)", [
    ("sum by (topic, stage) (increase(paywatch_records_dead_lettered_total[5m]))", "stream-processor {{topic}} {{stage}}"),
    ("sum(increase(paywatch_alerts_dead_lettered_total[5m]))", "alert-service"),
], 12, 20, unit="short")
panel("Kafka Streams process rate", [
    ("sum by (job) (kafka_streams_process_rate)", "{{job}} records/s"),
], 0, 28, w=12, unit="ops")
panel("JVM heap used", [('sum by (job) (jvm_memory_used_bytes{area="heap"})', "{{job}}")], 12, 28, unit="bytes")

dashboard = {
    "uid": "paywatch", "title": "Paywatch", "tags": ["paywatch"], "timezone": "browser",
    "schemaVersion": 39, "version": 1, "refresh": "10s", "editable": False,
    "time": {"from": "now-1h", "to": "now"}, "panels": panels, "templating": {"list": []},
    "annotations": {"list": []},
}
out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "dashboards", "paywatch.json")
with open(out, "w") as f:
    json.dump(dashboard, f, indent=2)
    f.write("\n")
print("wrote", out)
