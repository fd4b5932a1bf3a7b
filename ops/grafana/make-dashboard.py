#!/usr/bin/env python3
"""Writes ops/grafana/dashboards/paywatch.json. Edit the panels here, then run: python3 ops/grafana/make-dashboard.py

Metric names are the Micrometer names the services register, as Prometheus exposes them
(dots become underscores, counters end in _total, timers in _seconds_*)."""
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
      0, 0, w=8, h=4, kind="stat", desc="1 when Prometheus can scrape the service's /prometheus.")
panel("Dead letters (total)", [("sum(paywatch_records_dead_lettered_total) + sum(paywatch_alerts_dead_lettered_total or vector(0)) or vector(0)", "dead letters")],
      8, 0, w=8, h=4, kind="stat",
      desc="Records the stream processor could not decode or that broke the contract; see the dead-letters topic.")
panel("Emails sent (24h)", [('sum(increase(paywatch_alerts_emails_sent_total[24h])) or vector(0)', "sent")],
      16, 0, w=8, h=4, kind="stat")

panel("Ingest rate (events/s)", [
    ("sum by (type) (rate(paywatch_producer_events_accepted_total[1m]))", "accepted {{type}}"),
    ("sum by (reason) (rate(paywatch_producer_events_rejected_total[1m]))", "rejected {{reason}}"),
    ('sum by (job) (rate(kafka_producer_record_send_total{job="invoice-producer"}[1m]))', "kafka sends {{job}}"),
], 0, 4, unit="ops", desc="Events accepted and rejected by the invoice-producer, by type and reason.")
panel("Consumer lag (records)", [
    ('max by (job, client_id) ({__name__=~"kafka_consumer_fetch_manager_records_lag_max|kafka_consumer_records_lag_max"})',
     "{{job}} {{client_id}}"),
    ('sum by (job, topic) ({__name__=~"kafka_consumer_fetch_manager_records_lag|kafka_consumer_records_lag"})',
     "{{job}} {{topic}}"),
], 12, 4, unit="short", desc="How far the stream processor and the alert service are behind their input topics.")

panel("Alerts raised by type (per hour)", [
    ("sum by (type) (increase(paywatch_alerts_raised_total[1h]))", "{{type}}"),
], 0, 12, kind="timeseries", unit="short")
panel("Email latency: alert time to SMTP accept", [
    # The timer publishes client-side percentiles (0.5 and 0.99) as a quantile label.
    ('max by (quantile) (paywatch_alerts_email_latency_seconds{quantile=~"0.5|0.99"})', "p{{quantile}}"),
    ("sum(rate(paywatch_alerts_email_latency_seconds_sum[5m])) / sum(rate(paywatch_alerts_email_latency_seconds_count[5m]))", "mean"),
    ("max(paywatch_alerts_email_latency_seconds_max)", "max"),
], 12, 12, unit="s")

panel("Emails sent, failed, deferred (per 5 min)", [
    ("sum(increase(paywatch_alerts_emails_sent_total[5m]))", "sent"),
    ("sum(increase(paywatch_alerts_emails_failed_total[5m]))", "failed"),
    ("sum(increase(paywatch_alerts_emails_deferred_total[5m]))", "deferred"),
], 0, 20, unit="short")
panel("Dead letters (per 5 min)", [
    ("sum by (job, topic, stage) (increase({__name__=~\"paywatch_records_dead_lettered_total|paywatch_alerts_dead_lettered_total\"}[5m]))", "{{job}} {{topic}} {{stage}}"),
], 12, 20, unit="short")
panel("Kafka Streams state / process rate", [
    ('sum by (job) (rate({__name__=~"kafka_stream_thread_process_total|kafka_stream_processor_node_process_total"}[1m]))', "{{job}} processed/s"),
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
