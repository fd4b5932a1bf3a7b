package io.paywatch.alerts.delivery;

import io.micronaut.context.annotation.Value;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.paywatch.alerts.security.KafkaClientSecurity;
import io.paywatch.alerts.email.HeaderSafe;
import io.paywatch.alerts.email.MailDeliveryException;
import io.paywatch.alerts.email.MailSender;
import io.paywatch.alerts.email.OutgoingEmail;
import io.paywatch.alerts.policy.Decision;
import io.paywatch.alerts.policy.DeliveryPolicy;
import io.paywatch.alerts.policy.QuietHours;
import io.paywatch.alerts.settings.SettingsView;
import io.paywatch.alerts.templates.AlertEmailRenderer;
import io.paywatch.alerts.templates.RenderedEmail;
import io.paywatch.alerts.webhook.WebhookSender;
import io.paywatch.contract.AlertDelivery;
import io.paywatch.contract.AlertType;
import io.paywatch.contract.DeadLetter;
import io.paywatch.contract.DeliveryMode;
import io.paywatch.contract.DeliveryStatus;
import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.PaymentAlert;
import io.paywatch.schemas.AlertFacts;
import io.paywatch.schemas.Topics;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import jakarta.mail.internet.AddressException;
import jakarta.mail.internet.InternetAddress;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Utils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The one thread that turns alerts into emails and webhook calls.
 *
 * <p>Per poll batch: every alert is either delivered (SMTP accepted, then SENT written to the delivery log) or
 * durably parked in the log (RETRYING, DEFERRED_QUIET_HOURS, QUEUED_FOR_DIGEST, with the alert in a header),
 * or settled without email (OPTED_OUT, SUPPRESSED_COOLDOWN). Only then are the input offsets committed. An
 * alert whose alertId is already in the log is skipped, which makes replays and rebalances harmless. Between
 * polls the worker releases parked alerts whose time has come and sends due digests.
 */
@Singleton
public class DeliveryWorker {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryWorker.class);
    /** Statuses of an email that reached, or is parked to reach, the freelancer. */
    private static final java.util.Set<DeliveryStatus> TOLD = java.util.EnumSet.of(DeliveryStatus.SENT,
            DeliveryStatus.DEFERRED_QUIET_HOURS, DeliveryStatus.QUEUED_FOR_DIGEST, DeliveryStatus.RETRYING);
    private static final String NOTHING_TO_CORRECT =
            "none of the INVOICE_OVERDUE alerts it withdraws was emailed: nothing to correct";
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration SETTINGS_LOOKUP_TIMEOUT = Duration.ofSeconds(5);

    private final DeliveryConfiguration config;
    private final String bootstrapServers;
    /** security.protocol, sasl.*, ssl.* for every client below (README, Security). */
    private final Map<String, Object> kafkaSecurity;
    private final String applicationName;
    private final Clock clock;
    private final MailSender mail;
    private final WebhookSender webhooks;
    private final AlertEmailRenderer renderer;
    private final DeliveryMetrics metrics;
    private final DeliveryHooks hooks;
    private final Deserializer<PaymentAlert> alertSerde = Topics.PAYMENT_ALERTS.valueSerde().deserializer();

    private volatile boolean running;
    private volatile boolean alive;
    private volatile boolean ready;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private Thread thread;

    // Owned by the worker thread.
    private KafkaProducer<String, byte[]> producer;
    private SettingsView settings;
    private DeliveryLog log;
    private int alertPartitions;
    private Instant smtpPausedUntil = Instant.MIN;
    private int consecutiveSmtpFailures;
    private final Map<String, Instant> digestPausedUntil = new HashMap<>();
    private final Map<String, Integer> digestFailures = new HashMap<>();

    public DeliveryWorker(DeliveryConfiguration config, @Value("${kafka.bootstrap.servers}") String bootstrapServers,
            @Value("${micronaut.application.name:alert-service}") String applicationName, Clock clock,
            MailSender mail, WebhookSender webhooks, AlertEmailRenderer renderer, DeliveryMetrics metrics,
            DeliveryHooks hooks, KafkaClientSecurity kafkaSecurity) {
        this.config = config;
        this.kafkaSecurity = kafkaSecurity.settings();
        this.bootstrapServers = bootstrapServers;
        this.applicationName = applicationName;
        this.clock = clock;
        this.mail = mail;
        this.webhooks = webhooks;
        this.renderer = renderer;
        this.metrics = metrics;
        this.hooks = hooks;
    }

    /** Starts the worker once the application is up (topics exist by then). */
    @EventListener
    public synchronized void onStartup(StartupEvent event) {
        if (thread != null) {
            return;
        }
        running = true;
        alive = true;
        thread = new Thread(this::run, "alert-delivery");
        thread.start();
    }

    /** True while the worker thread runs; /health reports it. */
    public boolean alive() {
        return alive;
    }

    /** True once the delivery log and settings were read to their end and the worker consumes alerts. */
    public boolean ready() {
        return ready;
    }

    /** Stops the worker after its current step; nothing uncommitted is lost, it is re-read on the next start. */
    @PreDestroy
    public void stop() throws InterruptedException {
        running = false;
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        Thread t = thread;
        if (t != null) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
    }

    private void run() {
        String clientId = applicationName + "-" + ProcessHandle.current().pid() + "-" + System.identityHashCode(this);
        try {
            producer = createProducer(clientId);
            settings = new SettingsView(bootstrapServers, kafkaSecurity, clientId + "-settings");
            log = new DeliveryLog(bootstrapServers, kafkaSecurity, clientId + "-log", producer, config.logWriteTimeout());
            consumer = createConsumer(clientId);
            settings.catchUp(CATCH_UP_TIMEOUT);
            log.catchUp(CATCH_UP_TIMEOUT);
            alertPartitions = consumer.partitionsFor(Topics.PAYMENT_ALERTS.name(), Duration.ofSeconds(30)).size();
            consumer.subscribe(List.of(Topics.PAYMENT_ALERTS.name()), new CatchUpOnAssignment());
            LOG.info("Alert delivery started: {} delivery log keys, {} partitions of {}", log.size(),
                    alertPartitions, Topics.PAYMENT_ALERTS.name());
            ready = true;
            while (running) {
                try {
                    round();
                } catch (WakeupException e) {
                    // stop() woke us up; the loop condition ends the thread
                } catch (RuntimeException e) {
                    LOG.error("Delivery round failed; re-reading from the last committed offsets", e);
                    rewind();
                    pause(config.pollTimeout());
                }
            }
        } catch (WakeupException e) {
            LOG.debug("Woken up during start-up");
        } catch (RuntimeException e) {
            LOG.error("Alert delivery worker stopped", e);
        } finally {
            ready = false;
            alive = false;
            closeQuietly(consumer);
            closeQuietly(log);
            closeQuietly(settings);
            if (producer != null) {
                producer.close(Duration.ofSeconds(5));
            }
        }
    }

    /** One poll, the alerts it brought, the offset commit, then parked alerts and digests. */
    private void round() {
        ConsumerRecords<String, byte[]> records = consumer.poll(config.pollTimeout());
        settings.pollNow();
        log.pollNow();
        Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
        List<String> alertIds = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : records) {
            String alertId = onArrival(record);
            if (alertId != null) {
                alertIds.add(alertId);
            }
            commit.put(new TopicPartition(record.topic(), record.partition()),
                    new OffsetAndMetadata(record.offset() + 1));
        }
        if (!commit.isEmpty()) {
            hooks.beforeOffsetCommit(alertIds);
            consumer.commitSync(commit);
        }
        releaseParked();
        sendDigests();
    }

    private String onArrival(ConsumerRecord<String, byte[]> record) {
        PaymentAlert alert;
        try {
            alert = alertSerde.deserialize(record.topic(), record.value());
        } catch (SerializationException e) {
            deadLetter(record, "PaymentAlert could not be decoded", e);
            return null;
        }
        if (alert == null) {
            return null;
        }
        String alertId = alert.getAlertId();
        FreelancerSettings tenant = settingsFor(alert.getTenantId());
        if (log.get(alertId).isEmpty()) {
            deliverEmail(alert, tenant, 0);
        } else {
            LOG.debug("Alert {} already in the delivery log ({}); skipped", alertId,
                    log.get(alertId).get().delivery().getStatus());
        }
        if (webhookConfigured(tenant) && log.get(DeliveryLog.webhookKey(alertId)).isEmpty()) {
            deliverWebhook(alert, tenant, 0);
        }
        return alertId;
    }

    /** Email channel: decide, then send, park or settle. Returns false when SMTP failed. */
    private boolean deliverEmail(PaymentAlert alert, FreelancerSettings tenant, int priorAttempts) {
        Instant now = clock.instant();
        Decision decision = DeliveryPolicy.decideEmail(alert, tenant, now,
                log.lastEmailSent(alert.getTenantId(), alert.getClientId(), alert.getType()), config.maxAlertAge(),
                correctionIsNews(alert));
        String key = alert.getAlertId();
        if (decision instanceof Decision.NothingToCorrect) {
            write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null, NOTHING_TO_CORRECT, false);
            metrics.emailSuppressed(DeliveryMetrics.REASON_RESOLVED);
        } else if (decision instanceof Decision.Resolved resolved) {
            write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null,
                    resolvedDetail(resolved.settledDate()), false);
            metrics.emailSuppressed(DeliveryMetrics.REASON_RESOLVED);
            LOG.debug("Alert {} not emailed: the invoice was settled on {}", key, resolved.settledDate());
        } else if (decision instanceof Decision.Stale stale) {
            write(key, alert, DeliveryStatus.SUPPRESSED_STALE, priorAttempts, null, staleDetail(stale.age()), false);
            metrics.emailSuppressed(DeliveryMetrics.REASON_STALE);
            LOG.debug("Alert {} not emailed: occurred {} ago", key, stale.age());
        } else if (decision instanceof Decision.NoSettings) {
            retry(key, alert, priorAttempts + 1, "no settings for tenant yet");
        } else if (decision instanceof Decision.OptedOut) {
            write(key, alert, DeliveryStatus.OPTED_OUT, priorAttempts, null, "tenant opted out", false);
            metrics.emailSuppressed("opted-out");
        } else if (decision instanceof Decision.Cooldown cooldown) {
            write(key, alert, DeliveryStatus.SUPPRESSED_COOLDOWN, priorAttempts, null,
                    "same type for this client emailed at " + cooldown.lastSent(), false);
            metrics.emailSuppressed("cooldown");
        } else if (decision instanceof Decision.QueueForDigest) {
            write(key, alert, DeliveryStatus.QUEUED_FOR_DIGEST, priorAttempts, QuietHours.nextEnd(now, tenant),
                    "waiting for the daily digest", true);
            metrics.emailDeferred("digest");
        } else if (decision instanceof Decision.DeferQuietHours defer) {
            write(key, alert, DeliveryStatus.DEFERRED_QUIET_HOURS, priorAttempts, defer.until(), "quiet hours",
                    true);
            metrics.emailDeferred("quiet-hours");
        } else {
            return sendEmail(alert, tenant, priorAttempts, now);
        }
        return true;
    }

    private boolean sendEmail(PaymentAlert alert, FreelancerSettings tenant, int priorAttempts, Instant now) {
        String key = alert.getAlertId();
        if (now.isBefore(smtpPausedUntil)) {
            // SMTP just failed: park without another attempt, so an outage costs one timeout, not one per alert.
            write(key, alert, DeliveryStatus.RETRYING, priorAttempts, smtpPausedUntil, "SMTP unavailable", true);
            return false;
        }
        String to = validAddress(tenant.getNotificationEmail());
        if (to == null) {
            retry(key, alert, priorAttempts + 1, "notificationEmail is not a valid address");
            return true;
        }
        RenderedEmail rendered;
        try {
            rendered = renderer.render(alert, tenant);
        } catch (RuntimeException e) {
            LOG.error("Cannot render alert {}", key, e);
            retry(key, alert, priorAttempts + 1, "rendering failed: " + e.getClass().getSimpleName());
            return true;
        }
        try {
            mail.send(new OutgoingEmail(key, to, tenant.getDisplayName(), rendered.subject(), rendered.text(),
                    rendered.html()));
        } catch (MailDeliveryException e) {
            metrics.emailFailed();
            consecutiveSmtpFailures++;
            smtpPausedUntil = now.plus(backoff(consecutiveSmtpFailures));
            LOG.warn("SMTP did not accept alert {} (attempt {}): {}", key, priorAttempts + 1, e.getMessage());
            retry(key, alert, priorAttempts + 1, HeaderSafe.clean(e.getMessage()));
            return false;
        }
        consecutiveSmtpFailures = 0;
        smtpPausedUntil = Instant.MIN;
        hooks.afterEmailAccepted(key);
        write(key, alert, DeliveryStatus.SENT, priorAttempts + 1, null, "email accepted by SMTP", false);
        metrics.emailSent(Duration.between(alert.getOccurredAt(), clock.instant()));
        LOG.info("Emailed alert {} ({} about {}) to tenant {}", key, alert.getType(), alert.getClientId(),
                alert.getTenantId());
        return true;
    }

    /** Webhook channel: POST now, park RETRYING on failure. Not subject to quiet hours, digest or cooldown. */
    private void deliverWebhook(PaymentAlert alert, FreelancerSettings tenant, int priorAttempts) {
        String key = DeliveryLog.webhookKey(alert.getAlertId());
        // Same rules as email: a replay of history must not flood the receiver either.
        var resolved = DeliveryPolicy.resolved(alert);
        if (resolved.isPresent()) {
            write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null,
                    resolvedDetail(resolved.get()), false);
            metrics.webhookSuppressed(DeliveryMetrics.REASON_RESOLVED);
            return;
        }
        boolean correction = alert.getType() == AlertType.OVERDUE_CORRECTED;
        if (correction && !correctionIsNews(alert)) {
            write(key, alert, DeliveryStatus.SUPPRESSED_RESOLVED, priorAttempts, null, NOTHING_TO_CORRECT, false);
            metrics.webhookSuppressed(DeliveryMetrics.REASON_RESOLVED);
            return;
        }
        var stale = correction ? Optional.<Duration>empty()
                : DeliveryPolicy.stale(alert, clock.instant(), config.maxAlertAge());
        if (stale.isPresent()) {
            write(key, alert, DeliveryStatus.SUPPRESSED_STALE, priorAttempts, null, staleDetail(stale.get()), false);
            metrics.webhookSuppressed(DeliveryMetrics.REASON_STALE);
            return;
        }
        if (!webhookConfigured(tenant)) {
            write(key, alert, DeliveryStatus.OPTED_OUT, priorAttempts, null, "webhook no longer configured", false);
            return;
        }
        if (!DeliveryPolicy.optedIn(alert, tenant)) {
            write(key, alert, DeliveryStatus.OPTED_OUT, priorAttempts, null, "tenant opted out", false);
            return;
        }
        try {
            webhooks.send(tenant.getWebhookUrl(), tenant.getWebhookSecret(), alert);
            write(key, alert, DeliveryStatus.SENT, priorAttempts + 1, null, "webhook answered 2xx", false);
            metrics.webhook(true);
        } catch (WebhookSender.WebhookException e) {
            metrics.webhook(false);
            LOG.warn("Webhook for alert {} failed (attempt {}): {}", alert.getAlertId(), priorAttempts + 1,
                    e.getMessage());
            retry(key, alert, priorAttempts + 1, HeaderSafe.clean(e.getMessage()));
        }
    }

    /** Re-attempts parked deliveries whose time has come, for the partitions this instance owns. */
    private void releaseParked() {
        Instant now = clock.instant();
        List<DeliveryLog.Entry> due = new ArrayList<>();
        for (DeliveryLog.Entry entry : log.parked()) {
            Instant notBefore = entry.delivery().getNotBefore();
            if ((notBefore == null || !notBefore.isAfter(now)) && owns(clientKey(entry.alert()))) {
                due.add(entry);
            }
        }
        due.sort(Comparator.comparing((DeliveryLog.Entry e) -> e.alert().getOccurredAt()));
        for (DeliveryLog.Entry entry : due) {
            PaymentAlert alert = entry.alert();
            FreelancerSettings tenant = settingsFor(alert.getTenantId());
            int attempts = entry.delivery().getAttempts();
            if (entry.webhook()) {
                deliverWebhook(alert, tenant, attempts);
                continue;
            }
            if (entry.delivery().getStatus() == DeliveryStatus.QUEUED_FOR_DIGEST && tenant != null
                    && tenant.getDeliveryMode() == DeliveryMode.DAILY_DIGEST) {
                continue; // the digest takes it
            }
            if (!deliverEmail(alert, tenant, attempts)) {
                break; // SMTP is failing: the rest waits for the next round rather than a timeout each
            }
        }
    }

    /** Sends one digest per digest-mode tenant once quiet hours ended after its oldest queued alert. */
    private void sendDigests() {
        Instant now = clock.instant();
        Map<String, List<DeliveryLog.Entry>> queuedByTenant = new HashMap<>();
        for (DeliveryLog.Entry entry : log.parked()) {
            if (!entry.webhook() && entry.delivery().getStatus() == DeliveryStatus.QUEUED_FOR_DIGEST) {
                queuedByTenant.computeIfAbsent(entry.delivery().getTenantId(), t -> new ArrayList<>()).add(entry);
            }
        }
        for (Map.Entry<String, List<DeliveryLog.Entry>> byTenant : queuedByTenant.entrySet()) {
            String tenantId = byTenant.getKey();
            FreelancerSettings tenant = settingsFor(tenantId);
            if (tenant == null || tenant.getDeliveryMode() != DeliveryMode.DAILY_DIGEST || !owns(tenantId)
                    || now.isBefore(digestPausedUntil.getOrDefault(tenantId, Instant.MIN))) {
                continue;
            }
            Instant boundary = QuietHours.lastEnd(now, tenant);
            List<DeliveryLog.Entry> due = byTenant.getValue().stream()
                    .filter(e -> e.delivery().getUpdatedAt().isBefore(boundary))
                    .sorted(Comparator.comparing((DeliveryLog.Entry e) -> e.alert().getOccurredAt()))
                    .toList();
            if (!due.isEmpty()) {
                sendDigest(tenant, due, boundary, now);
            }
        }
    }

    private void sendDigest(FreelancerSettings tenant, List<DeliveryLog.Entry> due, Instant boundary, Instant now) {
        String tenantId = tenant.getTenantId();
        String to = validAddress(tenant.getNotificationEmail());
        if (to == null) {
            digestPausedUntil.put(tenantId, now.plus(config.maxBackoff()));
            LOG.warn("Digest for tenant {} held: notificationEmail is not a valid address", tenantId);
            return;
        }
        List<PaymentAlert> alerts = due.stream().map(DeliveryLog.Entry::alert).toList();
        LocalDate day = boundary.atZone(QuietHours.zone(tenant)).toLocalDate();
        // Same day and same alerts give the same Message-ID, so a digest re-sent after a crash is recognisable.
        String messageId = "digest." + tenantId + "." + day + "."
                + sha256(String.join(",", alerts.stream().map(PaymentAlert::getAlertId).toList())).substring(0, 12);
        RenderedEmail rendered = renderer.renderDigest(alerts, tenant, day);
        try {
            mail.send(new OutgoingEmail(messageId, to, tenant.getDisplayName(), rendered.subject(), rendered.text(),
                    rendered.html()));
        } catch (MailDeliveryException e) {
            metrics.emailFailed();
            int failures = digestFailures.merge(tenantId, 1, Integer::sum);
            digestPausedUntil.put(tenantId, now.plus(backoff(failures)));
            LOG.warn("SMTP did not accept the digest for tenant {}: {}", tenantId, e.getMessage());
            return;
        }
        digestFailures.remove(tenantId);
        digestPausedUntil.remove(tenantId);
        hooks.afterEmailAccepted(messageId);
        for (DeliveryLog.Entry entry : due) {
            write(entry.key(), entry.alert(), DeliveryStatus.SENT, entry.delivery().getAttempts() + 1, null,
                    "in digest " + messageId, false);
        }
        metrics.emailSent(Duration.between(alerts.get(0).getOccurredAt(), clock.instant()));
        LOG.info("Emailed digest {} with {} alerts to tenant {}", messageId, alerts.size(), tenantId);
    }

    /**
     * For an OVERDUE_CORRECTED: whether an INVOICE_OVERDUE it withdraws was emailed, or is parked to be (quiet hours,
     * digest, SMTP retry). A correction without the {@code withdrawnAlertIds} fact (an older stream-processor) falls
     * back to "an overdue email about this client was sent". Other alert types: false (unused).
     */
    private boolean correctionIsNews(PaymentAlert alert) {
        if (alert.getType() != AlertType.OVERDUE_CORRECTED) {
            return false;
        }
        String withdrawn = alert.getFacts() == null ? null : alert.getFacts().get(AlertFacts.WITHDRAWN_ALERT_IDS);
        if (withdrawn == null || withdrawn.isBlank()) {
            return log.lastEmailSent(alert.getTenantId(), alert.getClientId(), AlertType.INVOICE_OVERDUE).isPresent();
        }
        for (String id : withdrawn.split(",")) {
            var entry = log.get(id.trim());
            if (entry.isPresent() && TOLD.contains(entry.get().delivery().getStatus())) {
                return true;
            }
        }
        return false;
    }

    private static String resolvedDetail(String settledDate) {
        return "the invoice was already settled (paid or voided) on " + settledDate + " when the alert was raised";
    }

    private String staleDetail(Duration age) {
        return "occurred " + age.toDays() + " days ago, older than max-alert-age " + config.maxAlertAge();
    }

    private void retry(String key, PaymentAlert alert, int attempts, String detail) {
        write(key, alert, DeliveryStatus.RETRYING, attempts, clock.instant().plus(backoff(attempts)), detail, true);
    }

    private Duration backoff(int attempts) {
        return DeliveryPolicy.backoff(attempts, config.initialBackoff(), config.maxBackoff(),
                config.backoffMultiplier());
    }

    private void write(String key, PaymentAlert alert, DeliveryStatus status, int attempts, Instant notBefore,
            String detail, boolean park) {
        AlertDelivery delivery = AlertDelivery.newBuilder()
                .setAlertId(alert.getAlertId())
                .setTenantId(alert.getTenantId())
                .setClientId(alert.getClientId())
                .setType(alert.getType())
                .setStatus(status)
                .setAttempts(attempts)
                .setUpdatedAt(clock.instant())
                .setNotBefore(notBefore)
                .setDetail(detail)
                .build();
        log.write(key, delivery, park ? alert : null);
    }

    private FreelancerSettings settingsFor(String tenantId) {
        FreelancerSettings tenant = settings.get(tenantId);
        if (tenant == null) {
            // Settings may have been published just before the alert; read to the end once before parking.
            settings.catchUp(SETTINGS_LOOKUP_TIMEOUT);
            tenant = settings.get(tenantId);
        }
        return tenant;
    }

    private static boolean webhookConfigured(FreelancerSettings tenant) {
        return tenant != null && tenant.getWebhookUrl() != null && !tenant.getWebhookUrl().isBlank()
                && tenant.getWebhookSecret() != null && !tenant.getWebhookSecret().isEmpty();
    }

    private static String validAddress(String address) {
        if (address == null || address.chars().anyMatch(Character::isISOControl)) {
            return null;
        }
        try {
            InternetAddress parsed = new InternetAddress(address, true);
            parsed.validate();
            return parsed.getAddress();
        } catch (AddressException e) {
            return null;
        }
    }

    /** Whether this instance owns the payment-alerts partition that {@code key} hashes to. */
    private boolean owns(String key) {
        int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % alertPartitions;
        return consumer.assignment().contains(new TopicPartition(Topics.PAYMENT_ALERTS.name(), partition));
    }

    private static String clientKey(PaymentAlert alert) {
        // The producer's key form (ClientKey), so the owner of the input partition owns the parked alert too.
        return alert.getTenantId() + '|' + alert.getClientId();
    }

    private void deadLetter(ConsumerRecord<String, byte[]> record, String reason, Exception e) {
        metrics.deadLettered();
        LOG.error("Dead-lettering {}-{}@{}: {}: {}", record.topic(), record.partition(), record.offset(), reason,
                e.getMessage());
        DeadLetter letter = DeadLetter.newBuilder()
                .setSourceTopic(record.topic())
                .setPartition(record.partition())
                .setOffset(record.offset())
                .setKey(record.key() == null ? null
                        : java.nio.ByteBuffer.wrap(record.key().getBytes(StandardCharsets.UTF_8)))
                .setValue(record.value() == null ? null : java.nio.ByteBuffer.wrap(record.value()))
                .setReason(reason + ": " + e.getMessage())
                .setExceptionClass(e.getClass().getName())
                .setApplication(applicationName)
                .setFailedAt(clock.instant())
                .build();
        String key = record.topic() + "/" + record.partition() + "/" + record.offset();
        try {
            producer.send(new ProducerRecord<>(Topics.DEAD_LETTERS.name(), key,
                    Topics.DEAD_LETTERS.valueSerde().serializer().serialize(Topics.DEAD_LETTERS.name(), letter)))
                    .get(config.logWriteTimeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted dead-lettering", ie);
        } catch (ExecutionException | TimeoutException ex) {
            // Not committed past it: the record is read again rather than lost.
            throw new IllegalStateException("could not dead-letter " + key, ex);
        }
    }

    private void rewind() {
        Set<TopicPartition> assigned = consumer.assignment();
        if (assigned.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(assigned);
        for (TopicPartition tp : assigned) {
            OffsetAndMetadata offset = committed.get(tp);
            if (offset == null) {
                consumer.seekToBeginning(List.of(tp));
            } else {
                consumer.seek(tp, offset.offset());
            }
        }
    }

    private KafkaProducer<String, byte[]> createProducer(String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaSecurity);
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    }

    private KafkaConsumer<String, byte[]> createConsumer(String clientId) {
        Map<String, Object> props = new HashMap<>(kafkaSecurity);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, config.consumerGroup());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // The stream-processor writes alerts under exactly-once; aborted alerts must never be emailed.
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 50);
        return new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JVM", e);
        }
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.debug("Close failed", e);
        }
    }

    /** On every assignment, read the delivery log to its end first, so a moved partition never re-sends. */
    private final class CatchUpOnAssignment implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            log.catchUp(CATCH_UP_TIMEOUT);
            settings.catchUp(CATCH_UP_TIMEOUT);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            // Offsets are committed synchronously after every batch; nothing is pending here.
        }
    }
}
