package io.paywatch.processor.timemodel;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.processor.PaywatchTopology;
import io.paywatch.processor.StreamsDefaults;
import io.paywatch.processor.TopologyOptions;
import io.paywatch.processor.ops.ProcessorMetrics;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The same generated history (50 clients, two tenants, one west of UTC) run twice through the real broker under
 * exactly_once_v2, by two applications with fresh application ids and empty state: the two runs' alert sets
 * (alertId, type, stage) are identical, and the INVOICE_OVERDUE set is the one the generated truth implies.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ReplayTwiceBrokerTest {

    @Test
    void theSameHistoryRunTwiceGivesIdenticalAlertSets() throws Exception {
        new TopicBootstrap(3, (short) 1).ensureTopics(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SharedKafka.bootstrapServers()));
        String prefix = "twice-" + UUID.randomUUID().toString().substring(0, 8) + "-";
        GeneratedHistory history = GeneratedHistory.generate(7L, 50, 8, prefix);
        try (KafkaProducer<String, FreelancerSettings> settings = KafkaTestClients.producer(new StringSerializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            for (FreelancerSettings s : history.settings()) {
                settings.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), s.getTenantId(), s)).get();
            }
        }
        try (KafkaProducer<String, InvoiceEvent> producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.INVOICE_EVENTS.valueSerde().serializer())) {
            for (GeneratedHistory.Event e : history.events) {
                producer.send(new ProducerRecord<>(Topics.INVOICE_EVENTS.name(), e.key(), e.event()));
            }
            producer.flush();
        }
        // Every step of the 2024-2025 history is judged once the catch-up is over (the wall clock is later).
        Set<String> expectedOverdue = history.expectedOverdue(Instant.now().minus(TopologyOptions.ALLOWED_LATENESS));
        Set<String> tenants = history.tenants.stream().map(GeneratedHistory.Tenant::id).collect(Collectors.toSet());

        Set<String> first = run(tenants, expectedOverdue);
        Set<String> second = run(tenants, expectedOverdue);
        System.out.printf("replayed twice through the broker: %d alerts per run, %d INVOICE_OVERDUE%n", first.size(),
                expectedOverdue.size());
        assertThat(second).isEqualTo(first);
        assertThat(first).hasSizeGreaterThan(expectedOverdue.size()); // risk and drift alerts too
    }

    /** One application over the whole input; returns its alerts of {@code tenants} as alertId|type|stage. */
    private static Set<String> run(Set<String> tenants, Set<String> expectedOverdue) throws Exception {
        Map<TopicPartition, Long> start;
        try (KafkaConsumer<String, PaymentAlert> probe = KafkaTestClients.consumer(new StringDeserializer(),
                Topics.PAYMENT_ALERTS.valueSerde().deserializer())) {
            List<TopicPartition> partitions = probe.partitionsFor(Topics.PAYMENT_ALERTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            start = probe.endOffsets(partitions);
        }
        KafkaStreams streams = start("twice-" + UUID.randomUUID());
        Set<String> alerts = new TreeSet<>();
        Set<String> overdue = new TreeSet<>();
        try (KafkaConsumer<String, PaymentAlert> consumer = KafkaTestClients.consumer(new StringDeserializer(),
                Topics.PAYMENT_ALERTS.valueSerde().deserializer())) {
            consumer.assign(start.keySet());
            start.forEach(consumer::seek);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ZERO).until(() -> {
                for (ConsumerRecord<String, PaymentAlert> r : consumer.poll(Duration.ofMillis(200))) {
                    PaymentAlert a = r.value();
                    if (!tenants.contains(a.getTenantId())) {
                        continue;
                    }
                    String stage = a.getFacts().getOrDefault(AlertFacts.ESCALATION_STEP, "-");
                    assertThat(alerts.add(a.getAlertId() + "|" + a.getType() + "|" + stage))
                            .as("each alert once: %s", a.getAlertId()).isTrue();
                    if (a.getType() == AlertType.INVOICE_OVERDUE) {
                        overdue.add(ClientKey.of(a.getTenantId(), a.getClientId()) + "|" + a.getInvoiceIds().get(0)
                                + "#" + stage);
                    }
                }
                return overdue.equals(expectedOverdue);
            });
            // Nothing else comes: three more seconds of polling add no alert.
            int settled = alerts.size();
            await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10)).pollInterval(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
                            if (tenants.contains(r.value().getTenantId())) {
                                alerts.add(r.value().getAlertId() + "|extra");
                            }
                        });
                        return alerts.size() == settled;
                    });
        } finally {
            streams.close(Duration.ofSeconds(60));
        }
        return alerts;
    }

    private static KafkaStreams start(String applicationId) throws Exception {
        Path stateDir = Files.createTempDirectory("paywatch-twice-");
        Properties props = StreamsDefaults.properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, SharedKafka.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(ProcessorMetrics.CONFIG_KEY, new ProcessorMetrics(new SimpleMeterRegistry()));
        TopologyOptions d = TopologyOptions.defaults();
        // A backfill is over after 1 s without behind records (test patience); the wall clock then judges the rest.
        TopologyOptions options = new TopologyOptions(Duration.ofMillis(200), d.streamTimeScanInterval(),
                d.maxDuePerScan(), d.dedupeTtl(), Duration.ofSeconds(1), d.replayLag(), d.recentAlertsPerTenant(),
                d.profileEmitInterval(), d.allowedLateness());
        StreamsBuilder builder = new StreamsBuilder();
        PaywatchTopology.buildTopology(builder, options);
        KafkaStreams streams = new KafkaStreams(builder.build(props), props);
        streams.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
        return streams;
    }
}
