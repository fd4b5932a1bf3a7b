package io.paywatch.producer.mail;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.paywatch.contract.MailPosition;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.producer.publish.PublisherSettings;
import io.paywatch.producer.publish.TransactionalPublisher;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The IMAP watcher on GreenMail's real IMAP server and the real broker: Inbox and Sent become the expected events,
 * a restart resumes from the positions saved on Kafka (nothing re-read, nothing missed), and a changed UIDVALIDITY
 * re-reads the folder under the same event ids. Only the mapped headers cross the wire.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ImapWatcherTest {

    static final String ME = "me@freelancer.example";
    static final String TENANT = "imapco";
    static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);

    GreenMail greenMail;
    GreenMailUser user;
    TransactionalPublisher publisher;
    /** Message dates are an hour before the test starts: the IMAP server stamps arrivals with the real time. */
    final Instant base = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofHours(1));
    final Clock clock = Clock.fixed(base.plus(Duration.ofHours(1)), ZoneOffset.UTC);

    @BeforeAll
    static void topics(KafkaBroker broker) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (var admin = broker.admin()) {
                new TopicBootstrap(3, (short) 1).ensureTopics(admin);
                return true;
            }
        });
    }

    @BeforeEach
    void start() {
        greenMail = new GreenMail(new ServerSetup[]{ServerSetupTest.IMAP.dynamicPort()});
        greenMail.start();
        user = greenMail.setUser(ME, "me", "app-password-" + UUID.randomUUID());
        publisher = new TransactionalPublisher(new PublisherSettings(SharedKafka.bootstrapServers(),
                "imap-test-" + UUID.randomUUID(), 1, "lz4", Duration.ofMillis(5), Duration.ofSeconds(10),
                Duration.ofSeconds(30), Map.of()));
    }

    @AfterEach
    void stop() {
        publisher.close();
        greenMail.stop();
    }

    ImapWatcher.Account account() {
        return new ImapWatcher.Account("127.0.0.1", greenMail.getImap().getPort(), false, "me", user.getPassword(),
                false, List.of("Sent", "Sent Items"));
    }

    ImapWatcher watcher(Map<String, MailPosition> positions) {
        MailMapper mapper = new MailMapper(TENANT, Set.of(ME), MailMapperTest.contacts(), new EventValidator(clock));
        return new ImapWatcher(TENANT, account(), mapper, publisher::publish, positions, clock);
    }

    MimeMessage message(Mail mail) throws Exception {
        return new MimeMessage(Session.getInstance(new Properties()), new ByteArrayInputStream(mail.bytes()));
    }

    String date(int minutes) {
        return RFC5322.format(base.plus(Duration.ofMinutes(minutes)).atZone(ZoneOffset.UTC));
    }

    /** Appends to a folder over IMAP, creating it when needed (what a mail program does with what it sent). */
    void append(String folder, boolean recreate, Mail... mails) throws Exception {
        Properties p = new Properties();
        Store store = Session.getInstance(p).getStore("imap");
        store.connect("127.0.0.1", greenMail.getImap().getPort(), "me", user.getPassword());
        try {
            Folder f = store.getFolder(folder);
            if (recreate && f.exists()) {
                f.delete(true);
            }
            if (!f.exists()) {
                f.create(Folder.HOLDS_MESSAGES);
            }
            List<Message> messages = new ArrayList<>();
            for (Mail m : mails) {
                messages.add(message(m));
            }
            f.appendMessages(messages.toArray(new Message[0]));
        } finally {
            store.close();
        }
    }

    Mail rootSent() {
        return Mail.message().from(ME).to("Anna <anna@globex.example>").id("root@freelancer.example")
                .date(date(0)).subject("SECRET-SUBJECT invoice 12").body("SECRET-BODY\r\n");
    }

    Mail sentToPeter() {
        return Mail.message().from(ME).to("peter@initech.example").id("peter1@freelancer.example").date(date(1));
    }

    static <V> List<ConsumerRecord<String, V>> readAll(String topic, Deserializer<V> values) {
        List<ConsumerRecord<String, V>> read = new ArrayList<>();
        try (KafkaConsumer<String, V> c = KafkaTestClients.consumer(new StringDeserializer(), values)) {
            List<TopicPartition> tps = c.partitionsFor(topic).stream()
                    .map(x -> new TopicPartition(x.topic(), x.partition())).toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ZERO).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(read::add);
                return tps.stream().allMatch(tp -> c.position(tp) >= ends.get(tp));
            });
        }
        return read;
    }

    static List<String> eventIds() {
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, MessageEvent> r : readAll(Topics.MESSAGE_EVENTS.name(),
                Topics.MESSAGE_EVENTS.valueSerde().deserializer())) {
            Object p = r.value().getPayload();
            ids.add(p instanceof MessageSent s ? s.getEventId() : ((MessageReceived) p).getEventId());
        }
        return ids;
    }

    static String id(String direction, String messageId, String client) throws Exception {
        return "mail:" + direction + ":" + MailMapperTest.sha256(TENANT + "\n" + messageId + "\n" + client);
    }

    @Test
    void inboxAndSentBecomeEventsAndARestartResumesByUidAndAUidValidityChangeRereads() throws Exception {
        user.deliver(message(Mail.message().from("anna@globex.example").to(ME).id("reply@globex.example")
                .header("References", "<root@freelancer.example>").date(date(30)).subject("SECRET-SUBJECT re")));
        user.deliver(message(Mail.message().from("peter@initech.example").to(ME).id("ooo@initech.example")
                .header("Auto-Submitted", "auto-replied").date(date(31))));
        user.deliver(message(Mail.message().from("stranger@elsewhere.example").to(ME).id("spam@elsewhere.example")
                .date(date(32))));
        append("Sent", false, rootSent(), sentToPeter());

        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        ImapWatcher.Cycle first;
        try (ImapWatcher w = watcher(Map.of())) {
            w.protocolLog = new PrintStream(wire, true, StandardCharsets.UTF_8);
            first = w.pollOnce();
        }
        assertThat(first.folders()).containsExactly("INBOX", "Sent");
        assertThat(first.messagesRead()).isEqualTo(5);
        assertThat(first.eventsPublished()).isEqualTo(3);
        assertThat(first.skipped()).isEqualTo(Map.of(MailMapper.Skip.AUTO_REPLY, 1L,
                MailMapper.Skip.UNKNOWN_SENDER, 1L));
        List<String> expected = List.of(id("received", "reply@globex.example", "globex"),
                id("sent", "root@freelancer.example", "globex"), id("sent", "peter1@freelancer.example", "initech"));
        assertThat(eventIds()).containsExactlyInAnyOrderElementsOf(expected);
        String conversation = wire.toString(StandardCharsets.UTF_8);
        assertThat(conversation).as("headers fetched by name, with PEEK").contains("BODY.PEEK[HEADER.FIELDS (");
        assertThat(conversation).as("no subject or body crossed the wire").doesNotContain("SECRET");
        assertThat(conversation).doesNotContain(user.getPassword());

        Map<String, MailPosition> saved = ImapWatcher.readPositions(SharedKafka.bootstrapServers(), TENANT,
                account().name(), Duration.ofSeconds(30));
        assertThat(saved.get("INBOX").getLastUid()).isEqualTo(3);
        assertThat(saved.get("Sent").getLastUid()).isEqualTo(2);

        // A restart: positions from Kafka, nothing re-read; then one new message, read once.
        try (ImapWatcher restarted = watcher(saved)) {
            ImapWatcher.Cycle idle = restarted.pollOnce();
            assertThat(idle.messagesRead()).isZero();
            assertThat(idle.eventsPublished()).isZero();
            user.deliver(message(Mail.message().from("Anna <anna@globex.example>").to(ME).id("later@globex.example")
                    .header("In-Reply-To", "<root@freelancer.example>").date(date(40))));
            ImapWatcher.Cycle next = restarted.pollOnce();
            assertThat(next.messagesRead()).isEqualTo(1);
            assertThat(next.eventsPublished()).isEqualTo(1);
        }
        assertThat(eventIds()).hasSize(4).contains(id("received", "later@globex.example", "globex"));

        // The Sent folder is recreated (new UIDVALIDITY) with one more message: read again, same ids, one new.
        long validityBefore = ImapWatcher.readPositions(SharedKafka.bootstrapServers(), TENANT, account().name(),
                Duration.ofSeconds(30)).get("Sent").getUidValidity();
        append("Sent", true, rootSent(), sentToPeter(), Mail.message().from(ME).to("anna@globex.example")
                .id("follow@freelancer.example").header("References", "<root@freelancer.example>").date(date(50)));
        try (ImapWatcher again = watcher(ImapWatcher.readPositions(SharedKafka.bootstrapServers(), TENANT,
                account().name(), Duration.ofSeconds(30)))) {
            ImapWatcher.Cycle reread = again.pollOnce();
            assertThat(reread.foldersReread()).containsExactly("Sent");
            assertThat(reread.messagesRead()).isEqualTo(3);
        }
        Map<String, MailPosition> after = ImapWatcher.readPositions(SharedKafka.bootstrapServers(), TENANT,
                account().name(), Duration.ofSeconds(30));
        assertThat(after.get("Sent").getUidValidity()).isNotEqualTo(validityBefore);
        List<String> ids = eventIds();
        assertThat(ids).hasSize(7);
        assertThat(Set.copyOf(ids)).hasSize(5).contains(id("sent", "follow@freelancer.example", "globex"));
    }

    @Test
    void theWatchCommandPollsWithTheSecretFromTheEnvironmentAndNeverPrintsIt() throws Exception {
        // Contacts come from client-contacts, as the running command reads them.
        try (var producer = KafkaTestClients.producer(new org.apache.kafka.common.serialization.StringSerializer(),
                Topics.CLIENT_CONTACTS.valueSerde().serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.CLIENT_CONTACTS.name(),
                    "watchco|globex", io.paywatch.contract.ClientContacts.newBuilder().setTenantId("watchco")
                            .setClientId("globex").setAddresses(List.of()).setDomains(List.of("globex.example"))
                            .setUpdatedAt(base).build())).get();
        }
        user.deliver(message(Mail.message().from("anna@globex.example").to(ME).id("cmd@globex.example")
                .date(date(10))));
        String[] args = {"--host", "127.0.0.1", "--port", Integer.toString(greenMail.getImap().getPort()),
                "--no-tls", "--user", "me", "--own-address", ME, "--tenant", "watchco", "--once",
                "--bootstrap-servers", SharedKafka.bootstrapServers()};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MailWatchCommand.execute(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                name -> name.equals("PAYWATCH_IMAP_SECRET") ? user.getPassword() : null);
        String printed = out.toString(StandardCharsets.UTF_8) + err.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isZero();
        assertThat(printed).contains("INBOX: 1 new messages, 1 events published").doesNotContain(user.getPassword());
        // Again: resumes after UID 1, nothing new.
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        assertThat(MailWatchCommand.execute(args, new PrintStream(again, true, StandardCharsets.UTF_8),
                new PrintStream(new ByteArrayOutputStream()), name -> user.getPassword())).isZero();
        assertThat(again.toString(StandardCharsets.UTF_8)).contains("resuming INBOX after UID 1",
                "INBOX: 0 new messages, 0 events published");
        // Without the secret it refuses to start.
        ByteArrayOutputStream noSecret = new ByteArrayOutputStream();
        assertThat(MailWatchCommand.execute(args, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(noSecret, true, StandardCharsets.UTF_8), name -> null)).isEqualTo(2);
        assertThat(noSecret.toString(StandardCharsets.UTF_8)).contains("$PAYWATCH_IMAP_SECRET");
    }

    @Test
    void idleWakesUpOnNewMailAndOtherwiseReturnsAtTheTimeout() throws Exception {
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        try (ImapWatcher w = watcher(Map.of())) {
            w.protocolLog = new PrintStream(wire, true, StandardCharsets.UTF_8);
            assertThat(w.pollOnce().messagesRead()).isZero();
            // No mail: IDLE ends at the timeout and says so.
            long t0 = System.nanoTime();
            assertThat(w.awaitChange(Duration.ofSeconds(1))).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofSeconds(1));

            // New mail while idling with a 5-minute timeout: the server's announcement wakes it at once.
            java.util.concurrent.CompletableFuture<Boolean> woke = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    return w.awaitChange(Duration.ofMinutes(5));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            // Deliver only once the second IDLE command is on the wire, so the wake-up is the server's announcement.
            java.util.regex.Pattern idle = java.util.regex.Pattern.compile("(?m)^[A-Z]\\d+ IDLE\\r?$");
            await().atMost(Duration.ofSeconds(10)).until(() -> idle.matcher(wire.toString(StandardCharsets.UTF_8))
                    .results().count() >= 2);
            user.deliver(message(Mail.message().from("anna@globex.example").to(ME).id("idle@globex.example")
                    .date(date(20))));
            assertThat(woke.get(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            ImapWatcher.Cycle c = w.pollOnce();
            assertThat(c.messagesRead()).isEqualTo(1);
            assertThat(c.eventsPublished()).isEqualTo(1);
        }
        assertThat(eventIds()).contains(id("received", "idle@globex.example", "globex"));
    }

    @Test
    void theRunningCommandReadsNewMailAtOnceThroughIdleAndStops() throws Exception {
        try (var producer = KafkaTestClients.producer(new org.apache.kafka.common.serialization.StringSerializer(),
                Topics.CLIENT_CONTACTS.valueSerde().serializer())) {
            producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.CLIENT_CONTACTS.name(),
                    "idleco|globex", io.paywatch.contract.ClientContacts.newBuilder().setTenantId("idleco")
                            .setClientId("globex").setAddresses(List.of("anna@globex.example")).setDomains(List.of())
                            .setUpdatedAt(base).build())).get();
        }
        String[] args = {"--host", "127.0.0.1", "--port", Integer.toString(greenMail.getImap().getPort()),
                "--no-tls", "--user", "me", "--own-address", ME, "--tenant", "idleco", "--interval", "10m",
                "--bootstrap-servers", SharedKafka.bootstrapServers()};
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailWatchCommand command = new MailWatchCommand();
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        command.protocolLog = new PrintStream(wire, true, StandardCharsets.UTF_8);
        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(() ->
                MailWatchCommand.execute(command, args, new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(new ByteArrayOutputStream()), name -> user.getPassword()));
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString(StandardCharsets.UTF_8)
                .contains("INBOX: 0 new messages"));
        java.util.regex.Pattern idle = java.util.regex.Pattern.compile("(?m)^[A-Z]\\d+ IDLE\\r?$");
        await().atMost(Duration.ofSeconds(10)).until(() -> idle.matcher(wire.toString(StandardCharsets.UTF_8)).find());
        // The interval is 10 minutes: only IDLE can bring this message in within the wait below.
        user.deliver(message(Mail.message().from("anna@globex.example").to(ME).id("live@globex.example")
                .date(date(25))));
        await().atMost(Duration.ofSeconds(30)).until(() -> out.toString(StandardCharsets.UTF_8)
                .contains("INBOX: 1 new messages, 1 events published"));
        assertThat(eventIds()).contains("mail:received:"
                + MailMapperTest.sha256("idleco\nlive@globex.example\nglobex"));
        command.stop();
        assertThat(exit.get(30, java.util.concurrent.TimeUnit.SECONDS)).isZero();
    }
}
