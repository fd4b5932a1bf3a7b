package io.paywatch.producer.mail;

import io.paywatch.contract.ClientContacts;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The mbox import of 10,000 generated messages in its own JVM ({@code -Xmx64m}) under {@code /usr/bin/time -v}:
 * prints messages/s and peak RSS, asserts only the counts. Not run by {@code verify} (no {@code Test} suffix):
 * {@code ./mvnw -B -o -pl invoice-producer -am -Dsurefire.failIfNoSpecifiedTests=false -Dtest=MailImportBenchmark test}.
 */
@ExtendWith(KafkaBrokerExtension.class)
class MailImportBenchmark {

    static final int MESSAGES = Integer.getInteger("bench.messages", 10_000);
    static final String ME = "me@freelancer.example";
    static final DateTimeFormatter RFC5322 = DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss Z", Locale.ROOT);
    static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.ROOT);

    @TempDir
    Path dir;

    @Test
    void tenThousandMessages(KafkaBroker broker) throws Exception {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (var admin = broker.admin()) {
                new TopicBootstrap(3, (short) 1).ensureTopics(admin);
                return true;
            }
        });
        try (var producer = KafkaTestClients.producer(new StringSerializer(),
                Topics.CLIENT_CONTACTS.valueSerde().serializer())) {
            for (int c = 0; c < 50; c++) {
                producer.send(new ProducerRecord<>(Topics.CLIENT_CONTACTS.name(), "bench|client-" + c,
                        ClientContacts.newBuilder().setTenantId("bench").setClientId("client-" + c)
                                .setAddresses(List.of()).setDomains(List.of("client" + c + ".example"))
                                .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z")).build())).get();
            }
        }
        Path mbox = dir.resolve("bench.mbox");
        int expectedEvents = write(mbox);
        long bytes = Files.size(mbox);

        List<String> cmd = new ArrayList<>(List.of("/usr/bin/time", "-v",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx64m",
                "-cp", System.getProperty("java.class.path"), MailImportCommand.class.getName(), mbox.toString(),
                "--tenant", "bench", "--own-address", ME, "--bootstrap-servers", SharedKafka.bootstrapServers(),
                "--no-progress"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(10, TimeUnit.MINUTES)).isTrue();
        assertThat(p.exitValue()).as(output).isEqualTo(0);
        assertThat(output).contains("messages read:     " + MESSAGES, "events published:  " + expectedEvents);
        double wall = seconds(find(output, "Elapsed \\(wall clock\\) time \\(h:mm:ss or m:ss\\): (\\S+)"));
        double user = Double.parseDouble(find(output, "User time \\(seconds\\): (\\S+)"));
        double sys = Double.parseDouble(find(output, "System time \\(seconds\\): (\\S+)"));
        long rssKb = Long.parseLong(find(output, "Maximum resident set size \\(kbytes\\): (\\d+)"));
        System.out.printf(Locale.ROOT, "[bench] mbox %,d messages, %,d bytes, %,d events: wall %.1f s (%.0f messages/s),"
                        + " cpu %.1f s user + %.1f s system, peak RSS %,d MB%n", MESSAGES, bytes, expectedEvents, wall,
                MESSAGES / wall, user, sys, rssKb / 1024);
    }

    /** Writes the mailbox; returns how many events it must give. */
    static int write(Path file) throws IOException {
        int events = 0;
        Instant t0 = Instant.parse("2024-01-01T08:00:00Z");
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (int i = 0; i < MESSAGES; i++) {
                // Spread over about 8 months whatever the count, so no Date is in the future.
                Instant t = t0.plus(Duration.ofSeconds(37L * 60 * i * 10_000 / MESSAGES));
                String client = "client" + (i % 50) + ".example";
                String root = "<root-" + (i / 4) + "@freelancer.example>";
                StringBuilder m = new StringBuilder();
                m.append("From x@example ").append(ASCTIME.format(t.atZone(ZoneOffset.UTC))).append('\n');
                int kind = i % 10;
                if (kind < 5) {
                    m.append("From: =?UTF-8?Q?Me_M=C3=BCller?= <").append(ME).append(">\n");
                    m.append("To: \"Client ").append(i % 50).append("\" <anna@").append(client).append(">\n");
                    events++;
                } else if (kind < 8) {
                    m.append("From: \"Zoë\" <zoe@").append(client).append(">\n");
                    m.append("To: ").append(ME).append('\n');
                    events++;
                } else if (kind == 8) {
                    m.append("From: zoe@").append(client).append("\nTo: ").append(ME)
                            .append("\nAuto-Submitted: auto-replied\n");
                } else {
                    m.append("From: news@unknown.example\nTo: ").append(ME).append("\nPrecedence: list\n");
                }
                m.append("Message-ID: <m-").append(i).append("@bench.example>\n");
                if (i % 4 != 0) {
                    m.append("In-Reply-To: ").append(root).append("\nReferences: ").append(root).append('\n');
                }
                m.append("Subject: message ").append(i).append('\n');
                m.append("Date: ").append(RFC5322.format(t.atZone(ZoneOffset.UTC))).append('\n');
                m.append("MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n\n");
                for (int l = 0; l < 40; l++) {
                    m.append("Body line ").append(l).append(" of message ").append(i)
                            .append(": some text that is never read by the importer.\n");
                }
                m.append('\n');
                w.write(m.toString());
            }
        }
        return events;
    }

    static String find(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.find()).as(regex + " in " + text).isTrue();
        return m.group(1);
    }

    static double seconds(String hms) {
        String[] parts = hms.split(":");
        double s = 0;
        for (String part : parts) {
            s = s * 60 + Double.parseDouble(part);
        }
        return s;
    }
}
