package io.paywatch.alerts;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import io.micronaut.context.ApplicationContext;
import io.paywatch.alerts.delivery.DeliveryWorker;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.Language;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.ClientKey;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import jakarta.mail.Message;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.awaitility.Awaitility.await;

/**
 * Runs the alert service against the shared real Kafka broker and a real in-JVM SMTP server (GreenMail on a
 * free port). Contexts are started and stopped by the tests themselves, so a test can restart the service.
 */
@ExtendWith(KafkaBrokerExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class AlertServiceHarness {

    protected static final Duration WAIT = Duration.ofSeconds(60);
    /** 11:00 in Rome on a Wednesday: outside quiet hours. */
    protected static final Instant DAYTIME = Instant.parse("2025-03-12T10:00:00Z");

    protected GreenMail greenMail;
    protected int smtpPort;
    protected ApplicationContext context;
    private KafkaProducer<String, PaymentAlert> alerts;
    private KafkaProducer<String, FreelancerSettings> settings;
    protected final String group = getClass().getSimpleName() + "-group";

    @BeforeAll
    void startInfrastructure() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            smtpPort = socket.getLocalPort();
        }
        startSmtp();
        alerts = KafkaTestClients.producer(Topics.PAYMENT_ALERTS.keySerde().serializer(),
                Topics.PAYMENT_ALERTS.valueSerde().serializer());
        settings = KafkaTestClients.producer(Topics.FREELANCER_SETTINGS.keySerde().serializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().serializer());
    }

    @BeforeEach
    void pinTime() {
        MutableClock.set(DAYTIME);
        CrashHooks.reset();
    }

    @AfterEach
    void stopService() {
        stopContext();
        CrashHooks.reset();
        if (!greenMail.isRunning()) {
            startSmtp();
        }
    }

    @AfterAll
    void stopInfrastructure() {
        alerts.close();
        settings.close();
        greenMail.stop();
    }

    /** Starts the real SMTP server on the fixed port (again, after an outage). */
    protected void startSmtp() {
        greenMail = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    /** Starts the application, optionally with extra properties, and waits until it consumes alerts. */
    protected ApplicationContext startContext(Map<String, Object> extra) {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put("kafka.bootstrap.servers", SharedKafka.bootstrapServers());
        props.put("paywatch.topics.partitions", "3");
        props.put("paywatch.alerts.delivery.consumer-group", group);
        props.put("paywatch.alerts.delivery.poll-timeout", "100ms");
        props.put("paywatch.alerts.delivery.initial-backoff", "200ms");
        props.put("paywatch.alerts.delivery.max-backoff", "1s");
        props.put("paywatch.alerts.smtp.host", "127.0.0.1");
        props.put("paywatch.alerts.smtp.port", smtpPort);
        props.put("paywatch.alerts.smtp.connect-timeout", "1s");
        props.put("paywatch.alerts.smtp.read-timeout", "2s");
        // Test webhook receivers listen on loopback; WebhookTargetTest switches the guard back on.
        props.put("paywatch.alerts.webhook.allow-private-targets", "true");
        props.putAll(extra);
        context = ApplicationContext.builder().properties(props).start();
        DeliveryWorker worker = context.getBean(DeliveryWorker.class);
        await("worker ready").atMost(WAIT).until(worker::ready);
        return context;
    }

    protected ApplicationContext startContext() {
        return startContext(Map.of());
    }

    /** Starts the application and publishes the English fixture settings of {@code tenantId}, emailing {@code to}. */
    protected void startContextWithTenant(String tenantId, String to) throws Exception {
        startContext();
        publish(Fixtures.settings(tenantId, to, Language.EN).build());
    }

    protected void stopContext() {
        if (context != null && context.isRunning()) {
            context.stop();
        }
        context = null;
    }

    protected void publish(FreelancerSettings tenant) throws Exception {
        settings.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), tenant.getTenantId(), tenant))
                .get(30, TimeUnit.SECONDS);
    }

    protected void publish(PaymentAlert alert) throws Exception {
        alerts.send(new ProducerRecord<>(Topics.PAYMENT_ALERTS.name(),
                ClientKey.of(alert.getTenantId(), alert.getClientId()), alert)).get(30, TimeUnit.SECONDS);
    }

    /** Messages the SMTP server received for one recipient. */
    protected List<MimeMessage> mailTo(String recipient) {
        return Arrays.stream(greenMail.getReceivedMessages()).filter(m -> {
            try {
                return Arrays.stream(m.getRecipients(Message.RecipientType.TO))
                        .anyMatch(a -> ((jakarta.mail.internet.InternetAddress) a).getAddress().equals(recipient));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    protected List<MimeMessage> awaitMail(String recipient, int count) {
        await("%d emails to %s".formatted(count, recipient)).atMost(WAIT)
                .until(() -> mailTo(recipient).size() >= count);
        return mailTo(recipient);
    }

    /** Latest delivery-log status per key, read from alert-deliveries until {@code done} holds. */
    protected Map<String, AlertDelivery> awaitLog(Predicate<Map<String, AlertDelivery>> done) {
        Map<String, AlertDelivery> latest = new HashMap<>();
        KafkaTestClients.readUntil(Topics.ALERT_DELIVERIES.name(), Topics.ALERT_DELIVERIES.keySerde().deserializer(),
                Topics.ALERT_DELIVERIES.valueSerde().deserializer(), WAIT, (List<ConsumerRecord<String,
                        AlertDelivery>> read) -> {
                    latest.clear();
                    read.forEach(r -> latest.put(r.key(), r.value()));
                    return done.test(latest);
                });
        return latest;
    }

    /** The latest delivery-log entry of {@code key}, once there is one. */
    protected AlertDelivery awaitDelivery(String key) {
        return awaitLog(l -> l.containsKey(key)).get(key);
    }

    /**
     * The latest delivery-log entry of {@code key} once it has {@code status}. A read that has not reached
     * {@code key} yet keeps waiting (a predicate that dereferenced the missing entry would fail at once).
     */
    protected AlertDelivery awaitStatus(String key, DeliveryStatus status) {
        return awaitLog(l -> l.containsKey(key) && l.get(key).getStatus() == status).get(key);
    }

    /** Waits until the service committed input offsets up to the end of payment-alerts. */
    protected void awaitAllAlertsCommitted() {
        awaitAllAlertsCommitted(group);
    }

    /** Whether {@code group} committed offsets up to the end of every payment-alerts partition. */
    protected boolean allAlertsCommitted(String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            return committedToEnd(admin, group);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code group} committed input offsets up to the end of payment-alerts. */
    protected void awaitAllAlertsCommitted(String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", SharedKafka.bootstrapServers()))) {
            await("alert offsets committed").atMost(WAIT).until(() -> committedToEnd(admin, group));
        }
    }

    private static boolean committedToEnd(Admin admin, String group) throws Exception {
        {
            {
                Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                        .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
                List<TopicPartition> partitions = admin.describeTopics(List.of(Topics.PAYMENT_ALERTS.name()))
                        .allTopicNames().get(10, TimeUnit.SECONDS).get(Topics.PAYMENT_ALERTS.name()).partitions()
                        .stream().map(p -> new TopicPartition(Topics.PAYMENT_ALERTS.name(), p.partition())).toList();
                Map<TopicPartition, Long> end = admin.listOffsets(partitions.stream()
                        .collect(Collectors.toMap(p -> p, p -> OffsetSpec.latest()))).all().get(10, TimeUnit.SECONDS)
                        .entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
                return end.entrySet().stream().allMatch(e -> e.getValue() == 0 || (committed.get(e.getKey()) != null
                        && committed.get(e.getKey()).offset() >= e.getValue()));
            }
        }
    }

    /** The decoded subject of a received message. */
    protected static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The alert a received message is about ({@code X-Paywatch-Alert-Id}). */
    protected static String alertId(MimeMessage message) {
        try {
            return message.getHeader("X-Paywatch-Alert-Id")[0];
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The alerts a set of received messages is about. */
    protected static Set<String> alertIds(List<MimeMessage> messages) {
        return messages.stream().map(AlertServiceHarness::alertId).collect(Collectors.toSet());
    }
}
