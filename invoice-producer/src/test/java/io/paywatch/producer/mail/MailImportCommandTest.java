package io.paywatch.producer.mail;

import io.paywatch.contract.ClientContacts;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.SourceSystem;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mbox and .eml import on the real shared broker: a generated mailbox lands exactly the expected events, in
 * event-time order, every skipped message is counted with its reason, and importing it again (as mbox or as .eml
 * files) adds no new event id.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MailImportCommandTest {

    static final String TENANT = "mailco";
    static final String ME = "me@freelancer.example";
    static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-02T12:00:00Z"), ZoneOffset.UTC);

    @TempDir
    Path dir;

    @BeforeAll
    static void topicsAndContacts(KafkaBroker broker) throws Exception {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (var admin = broker.admin()) {
                new TopicBootstrap(3, (short) 1).ensureTopics(admin);
                return true;
            }
        });
        try (var producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.CLIENT_CONTACTS.valueSerde().serializer())) {
            producer.send(new ProducerRecord<>(Topics.CLIENT_CONTACTS.name(), TENANT + "|globex",
                    contacts("globex", List.of("anna@globex.example"), List.of("globex.example")))).get();
            producer.send(new ProducerRecord<>(Topics.CLIENT_CONTACTS.name(), TENANT + "|initech",
                    contacts("initech", List.of("peter@initech.example", "zoe@initech.example"), List.of()))).get();
            // Another tenant's contact for the "stranger" must not make it known to this tenant.
            producer.send(new ProducerRecord<>(Topics.CLIENT_CONTACTS.name(), "othertenant|strangers",
                    ClientContacts.newBuilder().setTenantId("othertenant").setClientId("strangers")
                            .setAddresses(List.of("stranger@elsewhere.example")).setDomains(List.of())
                            .setUpdatedAt(Instant.parse("2025-06-01T00:00:00Z")).build())).get();
        }
    }

    static ClientContacts contacts(String client, List<String> addresses, List<String> domains) {
        return ClientContacts.newBuilder().setTenantId(TENANT).setClientId(client).setAddresses(addresses)
                .setDomains(domains).setUpdatedAt(Instant.parse("2025-06-01T00:00:00Z")).build();
    }

    /** The mailbox, out of time order on purpose (Takeout mixes Inbox and Sent), each with its From line. */
    static List<Mail> mailbox() {
        String t1 = "<t1@freelancer.example>";
        return List.of(
                // 1: the tenant writes to Anna; its body has an escaped From line and a header-like line.
                Mail.message().from("Me <" + ME + ">").to("Anna <anna@globex.example>").id("t1@freelancer.example")
                        .date("Thu, 01 May 2025 09:00:00 +0000").subject("SECRET-SUBJECT invoice 7")
                        .body("SECRET-BODY\r\n>From the desk of me\r\nFrom: looks like a header\r\n"),
                // 2: the client's reply through a References chain.
                Mail.message().from("Anna <anna@globex.example>").to(ME).id("r2@globex.example")
                        .header("In-Reply-To", t1).header("References", t1).date("Fri, 02 May 2025 10:00:00 +0000")
                        .subject("Re: invoice 7"),
                // 9: out of order: a raw UTF-8 display name, sent to initech (earliest of all).
                Mail.message().from("\"Zoë Ångström\" <" + ME + ">").to("\"Zoë\" <zoe@initech.example>")
                        .id("z9@freelancer.example").date("Wed, 30 Apr 2025 08:00:00 +0000"),
                // 3: the tenant follows up.
                Mail.message().from(ME).to("anna@globex.example").id("f3@freelancer.example")
                        .header("In-Reply-To", "<r2@globex.example>")
                        .header("References", t1 + "\r\n <r2@globex.example>").date("Sat, 03 May 2025 09:00:00 +0000"),
                // 4: a colleague at the client's domain answers under an edited subject.
                Mail.message().from("bob@globex.example").to(ME).id("e4@globex.example")
                        .header("References", t1 + " <r2@globex.example> <f3@freelancer.example>")
                        .subject("New subject: budget").date("Sun, 04 May 2025 12:00:00 +0000"),
                // 5: out-of-office auto-reply.
                Mail.message().from("peter@initech.example").to(ME).id("o5@initech.example")
                        .header("Auto-Submitted", "auto-replied").subject("Out of office until 20 May")
                        .date("Mon, 05 May 2025 08:00:00 +0000"),
                // 6: a bounce (DSN) from the client's domain.
                Mail.message().from("Mail Delivery System <MAILER-DAEMON@globex.example>").to(ME)
                        .id("dsn6@globex.example").date("Mon, 05 May 2025 09:00:00 +0000")
                        .header("MIME-Version", "1.0")
                        .header("Content-Type", "multipart/report; report-type=delivery-status;\r\n\tboundary=\"B\"")
                        .body("--B\r\nContent-Type: text/plain\r\n\r\nundeliverable\r\n--B\r\n"
                                + "Content-Type: message/delivery-status\r\n\r\nStatus: 5.1.1\r\n--B--\r\n"),
                // 7: an unknown sender (a contact of another tenant only).
                Mail.message().from("stranger@elsewhere.example").to(ME).id("u7@elsewhere.example")
                        .date("Mon, 05 May 2025 10:00:00 +0000"),
                // 8: folded and RFC 2047 encoded From with a non-ASCII name.
                Mail.message().from("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\r\n <juergen@globex.example>")
                        .to("=?ISO-8859-1?Q?Fr=E9d=E9ric?= <" + ME + ">").id("j8@globex.example")
                        .date("Tue, 06 May 2025\r\n 07:30:00 +0200"),
                // 10: malformed: an unterminated quote in From. The import goes on.
                Mail.message().from("\"unterminated <anna@globex.example").to(ME).id("m10@globex.example")
                        .date("Tue, 06 May 2025 10:00:00 +0000"),
                // 11: no Message-ID.
                Mail.message().from("anna@globex.example").to(ME).date("Tue, 06 May 2025 11:00:00 +0000"));
    }

    static String mbox(List<Mail> mails) {
        StringBuilder sb = new StringBuilder();
        for (Mail m : mails) {
            // The envelope date is the arrival: an hour after Date (within the tolerance, so Date is the event time).
            sb.append("From sender@example ").append(ASCTIME.format(arrival(m).atZone(ZoneOffset.UTC))).append('\n')
                    .append(m.text().replace("\r\n", "\n"));
            if (!m.text().endsWith("\n")) {
                sb.append('\n');
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static final java.time.format.DateTimeFormatter ASCTIME =
            java.time.format.DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", java.util.Locale.ROOT);

    static Instant arrival(Mail m) {
        try {
            String date = HeaderOnlyMessage.of(m.headerBlock()).getHeader("Date", null);
            if (date != null) {
                return new jakarta.mail.internet.MailDateFormat().parse(date.replaceAll("\\r\\n", ""))
                        .toInstant().plus(Duration.ofHours(1));
            }
        } catch (Exception e) {
            // no usable Date: the fixed arrival below
        }
        return Instant.parse("2025-05-06T12:00:00Z");
    }

    record Expected(String eventId, String key, String type, Instant time, String thread) {
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String id(String direction, String messageId, String client) throws Exception {
        return "mail:" + direction + ":" + sha256(TENANT + "\n" + messageId + "\n" + client);
    }

    static List<Expected> expected() throws Exception {
        String t1 = "mail:" + sha256("t1@freelancer.example").substring(0, 32);
        return List.of(
                new Expected(id("sent", "z9@freelancer.example", "initech"), TENANT + "|initech", "MessageSent",
                        Instant.parse("2025-04-30T08:00:00Z"),
                        "mail:" + sha256("z9@freelancer.example").substring(0, 32)),
                new Expected(id("sent", "t1@freelancer.example", "globex"), TENANT + "|globex", "MessageSent",
                        Instant.parse("2025-05-01T09:00:00Z"), t1),
                new Expected(id("received", "r2@globex.example", "globex"), TENANT + "|globex", "MessageReceived",
                        Instant.parse("2025-05-02T10:00:00Z"), t1),
                new Expected(id("sent", "f3@freelancer.example", "globex"), TENANT + "|globex", "MessageSent",
                        Instant.parse("2025-05-03T09:00:00Z"), t1),
                new Expected(id("received", "e4@globex.example", "globex"), TENANT + "|globex", "MessageReceived",
                        Instant.parse("2025-05-04T12:00:00Z"), t1),
                new Expected(id("received", "j8@globex.example", "globex"), TENANT + "|globex", "MessageReceived",
                        Instant.parse("2025-05-06T05:30:00Z"),
                        "mail:" + sha256("j8@globex.example").substring(0, 32)));
    }

    /** Every committed record of message-events, up to the end offsets now. */
    static List<ConsumerRecord<String, MessageEvent>> readAll() {
        List<ConsumerRecord<String, MessageEvent>> read = new ArrayList<>();
        try (KafkaConsumer<String, MessageEvent> c = KafkaTestClients.consumer(new StringDeserializer(),
                Topics.MESSAGE_EVENTS.valueSerde().deserializer())) {
            List<TopicPartition> tps = c.partitionsFor(Topics.MESSAGE_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
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

    static Expected actual(ConsumerRecord<String, MessageEvent> r) {
        Object p = r.value().getPayload();
        if (p instanceof MessageSent s) {
            assertThat(s.getSource()).isEqualTo(SourceSystem.MAIL);
            assertThat(s.getTenantId()).isEqualTo(TENANT);
            return new Expected(s.getEventId(), r.key(), "MessageSent", s.getSentAt(), s.getThreadId());
        }
        MessageReceived m = (MessageReceived) p;
        assertThat(m.getSource()).isEqualTo(SourceSystem.MAIL);
        return new Expected(m.getEventId(), r.key(), "MessageReceived", m.getReceivedAt(), m.getThreadId());
    }

    MailImportCommand.Outcome run(Path path, ByteArrayOutputStream out) {
        return MailImportCommand.execute(new String[]{path.toString(), "--tenant", TENANT, "--own-address", ME,
                        "--bootstrap-servers", SharedKafka.bootstrapServers(), "--no-progress",
                        "--transaction-size", "4"},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(new ByteArrayOutputStream()),
                CLOCK);
    }

    @Test
    void anMboxLandsExactlyTheExpectedEventsAndASecondImportAddsNoNewIds() throws Exception {
        Path file = dir.resolve("takeout.mbox");
        Files.writeString(file, mbox(mailbox()), StandardCharsets.UTF_8);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        MailImportCommand.Outcome first = run(file, out);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(first.code()).as(printed).isEqualTo(1); // a malformed message and one without Message-ID
        assertThat(first.summary().messagesRead()).isEqualTo(11);
        assertThat(first.summary().eventsPublished()).isEqualTo(6);
        assertThat(first.summary().skipped()).isEqualTo(Map.of(MailMapper.Skip.AUTO_REPLY, 1L,
                MailMapper.Skip.DELIVERY_REPORT, 1L, MailMapper.Skip.UNKNOWN_SENDER, 1L,
                MailMapper.Skip.MALFORMED, 1L, MailMapper.Skip.NO_MESSAGE_ID, 1L));
        assertThat(printed).contains("messages read:     11", "events published:  6, in event-time order",
                "messages skipped:  5", "message 6 (line ", "auto_reply (Auto-Submitted: auto-replied)",
                "delivery_report", "unknown_sender", "malformed", "no_message_id");
        assertThat(printed).as("no subject, body or sender address in the report")
                .doesNotContain("SECRET", "stranger@", "Out of office");

        List<ConsumerRecord<String, MessageEvent>> records = readAll();
        assertThat(records).extracting(MailImportCommandTest::actual)
                .containsExactlyInAnyOrderElementsOf(expected());
        // Event-time order within each client's partition.
        Map<String, List<Instant>> timesByKey = records.stream().collect(Collectors.groupingBy(ConsumerRecord::key,
                Collectors.mapping(r -> actual(r).time(), Collectors.toList())));
        timesByKey.values().forEach(times -> assertThat(times).isSorted());
        assertThat(new String(records.get(0).value().toString().getBytes(StandardCharsets.UTF_8),
                StandardCharsets.UTF_8)).doesNotContain("SECRET");

        // The same file again: the same ids, nothing new for the stream processor to count.
        MailImportCommand.Outcome second = run(file, new ByteArrayOutputStream());
        assertThat(second.summary().eventsPublished()).isEqualTo(6);
        List<ConsumerRecord<String, MessageEvent>> afterSecond = readAll();
        assertThat(afterSecond).hasSize(12);
        assertThat(afterSecond.stream().map(r -> actual(r).eventId()).distinct().toList())
                .containsExactlyInAnyOrderElementsOf(expected().stream().map(Expected::eventId).toList());

        // The same messages as a folder of .eml files: the same ids again (no envelope date, the same Date).
        Path folder = Files.createDirectories(dir.resolve("eml"));
        List<Mail> mails = mailbox();
        for (int i = 0; i < mails.size(); i++) {
            Files.write(folder.resolve(String.format("%02d.eml", i + 1)), mails.get(i).bytes());
        }
        ByteArrayOutputStream emlOut = new ByteArrayOutputStream();
        MailImportCommand.Outcome eml = run(folder, emlOut);
        assertThat(eml.summary().messagesRead()).isEqualTo(11);
        assertThat(eml.summary().eventsPublished()).isEqualTo(6);
        assertThat(emlOut.toString(StandardCharsets.UTF_8)).contains("07.eml: delivery_report (Content-Type: multipart/report)", "10.eml: malformed");
        List<ConsumerRecord<String, MessageEvent>> afterEml = readAll();
        assertThat(afterEml).hasSize(18);
        assertThat(afterEml.stream().map(r -> actual(r).eventId()).distinct().count()).isEqualTo(6);
    }

    @Test
    void usageErrorsPublishNothing() throws Exception {
        Path notMbox = dir.resolve("notes.txt");
        Files.writeString(notMbox, "Subject: hi\n\nbody\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = MailImportCommand.execute(new String[]{notMbox.toString(), "--tenant", TENANT, "--own-address",
                ME, "--bootstrap-servers", SharedKafka.bootstrapServers()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), CLOCK).code();
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("is not an mbox file");
        int badOwn = MailImportCommand.execute(new String[]{notMbox.toString(), "--tenant", TENANT, "--own-address",
                "@freelancer.example", "--bootstrap-servers", SharedKafka.bootstrapServers()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), CLOCK).code();
        assertThat(badOwn).isEqualTo(2);
        Path mbox = dir.resolve("one.mbox");
        Files.writeString(mbox, mbox(List.of(mailbox().get(0))), StandardCharsets.UTF_8);
        ByteArrayOutputStream threadsErr = new ByteArrayOutputStream();
        int badThreads = MailImportCommand.execute(new String[]{mbox.toString(), "--tenant", TENANT, "--own-address",
                ME, "--threads", "subject", "--bootstrap-servers", SharedKafka.bootstrapServers()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(threadsErr, true, StandardCharsets.UTF_8),
                CLOCK).code();
        assertThat(badThreads).isEqualTo(2);
        assertThat(threadsErr.toString(StandardCharsets.UTF_8)).contains("--threads must be references or gmail");
    }
}
