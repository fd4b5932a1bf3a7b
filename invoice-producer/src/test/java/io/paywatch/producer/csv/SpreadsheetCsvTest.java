package io.paywatch.producer.csv;

import io.paywatch.contract.FreelancerSettings;
import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * CSV files as spreadsheets export them (issue 11 §4) and the import's event-time order (issue 10), through the
 * real command onto the real broker: Excel's "CSV UTF-8" (byte-order mark, CRLF, quoted fields), amounts in a
 * locale, the zone taken from the tenant's saved settings, re-imports of cumulative "Amount Paid" snapshots, and
 * a shuffled file published sorted by event time through run files on disk.
 */
@ExtendWith(KafkaBrokerExtension.class)
class SpreadsheetCsvTest {

    static final String MAP = "clientId=Customer,clientName=Customer Name,invoiceId=Invoice No,"
            + "issuedAt=Invoice Date,dueAt=Due Date,amount=Amount,paidAt=Paid Date";

    @BeforeAll
    static void topics(KafkaBroker broker) {
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (var admin = broker.admin()) {
                new TopicBootstrap(3, (short) 1).ensureTopics(admin);
                return true;
            }
        });
        // Tenant "west" saved its settings in Los Angeles: the import reads its dates there without --zone.
        try (KafkaProducer<String, FreelancerSettings> p = KafkaTestClients.producer(new StringSerializer(),
                Topics.FREELANCER_SETTINGS.valueSerde().serializer())) {
            p.send(new ProducerRecord<>(Topics.FREELANCER_SETTINGS.name(), "west", FreelancerSettings.newBuilder()
                    .setTenantId("west").setNotificationEmail("w@example.com").setTimezone("America/Los_Angeles")
                    .setUpdatedAt(Instant.parse("2025-01-01T00:00:00Z")).build()));
        }
    }

    record Run(int code, String out, String err) {
    }

    static Run run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--bootstrap-servers", SharedKafka.bootstrapServers(), "--no-progress"));
        int code = ImportCommand.execute(all.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        Run r = new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        System.out.println(r.out() + r.err());
        return r;
    }

    static List<ConsumerRecord<String, InvoiceEvent>> tenantEvents(String tenant, int atLeast) {
        List<ConsumerRecord<String, InvoiceEvent>> all = ImportCommandTest.readAllCommitted(atLeast);
        return all.stream().filter(r -> r.key().startsWith(tenant + "|")).toList();
    }

    @Test
    void excelCsvUtf8WithByteOrderMarkCrlfAndQuotedFieldsImportsWithTheReadmesMapping(@TempDir Path dir)
            throws IOException {
        Path file = dir.resolve("excel.csv");
        String csv = "\uFEFFCustomer,Customer Name,Invoice No,Invoice Date,Due Date,Amount,Paid Date\r\n"
                + "globex,\"Globex, Inc.\",X-1,5/1/2025,5/31/2025,\"1,234.56\",5/20/2025\r\n"
                + "initech,\"Initech \"\"West\"\"\",X-2,12/31/2024,,\"$2,000.00\",\r\n";
        Files.write(file, csv.getBytes(StandardCharsets.UTF_8));
        Run r = run(file.toString(), "--tenant", "west", "--map", MAP, "--date-format", "M/d/yyyy",
                "--currency", "USD", "--locale", "en-US", "--state", dir.resolve("s").toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("zone:             America/Los_Angeles (the tenant's saved settings)")
                .contains("rows read:        2").contains("events published: 3");

        Map<String, Object> byId = new HashMap<>();
        tenantEvents("west", 3).forEach(e -> byId.put(eventId(e.value()), e.value().getPayload()));
        InvoiceIssued x1 = (InvoiceIssued) byId.get("csv:west:X-1:issued:123456USD:2025-05-31T07:00:00Z");
        assertThat(x1.getClientName()).isEqualTo("Globex, Inc.");
        assertThat(x1.getAmount().getAmountMinor()).isEqualTo(123456L);
        // 1 May in Los Angeles (PDT, UTC-7), not midnight UTC (the evening of 30 April there).
        assertThat(x1.getIssuedAt()).isEqualTo(Instant.parse("2025-05-01T07:00:00Z"));
        assertThat(x1.getDueAt()).isEqualTo(Instant.parse("2025-05-31T07:00:00Z"));
        PaymentReceived paid = (PaymentReceived) byId.get("csv:west:X-1:paid");
        assertThat(paid.getPaidAt()).isEqualTo(Instant.parse("2025-05-20T07:00:00Z"));
        InvoiceIssued x2 = (InvoiceIssued) byId.get("csv:west:X-2:issued:200000USD:net30");
        assertThat(x2.getClientName()).isEqualTo("Initech \"West\"");
        assertThat(x2.getAmount().getAmountMinor()).isEqualTo(200000L);
        // --terms-days 30 from 31 Dec 2024: 30 Jan 2025, local midnight (PST, UTC-8).
        assertThat(x2.getDueAt()).isEqualTo(Instant.parse("2025-01-30T08:00:00Z"));
    }

    @Test
    void localeAmountsAreReadOrRejectedNamingRowAndColumn(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("de.csv");
        String csv = "Kunde;Rechnung;Datum;Betrag;Bezahlt am\n"
                + "k1;D-1;01.03.2025;1.234,56 €;\n"
                + "k1;D-2;01.03.2025;(1.234,56 €);\n"
                + "k1;D-3;01.03.2025;1,234.56;\n"
                + "k1;D-4;01.03.2025;12,345;\n"
                + "k1;D-5;01.03.2025;£ 12,00;\n"
                + "k1;D-6;30.02.2025;10,00;\n";
        Files.writeString(file, csv);
        Run r = run(file.toString(), "--tenant", "de", "--map",
                "clientId=Kunde,invoiceId=Rechnung,issuedAt=Datum,amount=Betrag,paidAt=Bezahlt am",
                "--delimiter", ";", "--locale", "de-DE", "--currency", "EUR", "--date-format", "dd.MM.yyyy",
                "--zone", "Europe/Berlin", "--dry-run");
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.out()).contains("rows rejected:    5")
                .contains("line 3: amount (Betrag): '(1.234,56 €)' is negative")
                .contains("line 4: amount (Betrag): '1,234.56' has a grouping separator after the decimal separator")
                .contains("line 5: amount (Betrag): '12,345' has more decimals than EUR allows")
                .contains("line 6: amount (Betrag): '£ 12,00' is written in '£', which is not a sign of the row's "
                        + "currency EUR")
                .contains("line 7: issuedAt (Datum): '30.02.2025' does not match --date-format dd.MM.yyyy")
                .doesNotContain("line 2:");
    }

    @Test
    void reimportingTheSameExportOrAnUpdatedOnePublishesOnlyWhatChanged(@TempDir Path dir) throws IOException {
        Path state = dir.resolve("snap.state");
        String header = "Customer,Invoice No,Invoice Date,Due Date,Amount,Amount Paid,Paid Date\n";
        String map = "clientId=Customer,invoiceId=Invoice No,issuedAt=Invoice Date,dueAt=Due Date,amount=Amount,"
                + "paidAmount=Amount Paid,paidAt=Paid Date";
        Path week1 = dir.resolve("week1.csv");
        Files.writeString(week1, header + "c,R-1,2025-03-01,2025-03-31,\"1,200.00\",400.00,2025-03-20\n"
                + "c,R-2,2025-03-02,2025-04-01,300.00,300.00,2025-03-25\n");
        Path week2 = dir.resolve("week2.csv");
        Files.writeString(week2, header + "c,R-1,2025-03-01,2025-03-31,\"1,200.00\",800.00,2025-04-03\n"
                + "c,R-2,2025-03-02,2025-04-01,300.00,300.00,2025-03-25\n");
        String[] common = {"--tenant", "snap", "--map", map, "--currency", "EUR", "--zone", "UTC", "--state",
                state.toString()};
        assertThat(run(concat(week1, common)).code()).isZero();
        // The same export again: the same ids (R-1's 400.00 level is known, so only R-2's full payment is re-sent,
        // with its id), all dropped downstream as duplicates.
        assertThat(run(concat(week1, common)).out()).contains("events published: 3");
        Run second = run(concat(week2, common));
        assertThat(second.code()).isZero();
        assertThat(second.out()).contains("events published: 4");

        Map<String, Long> paidById = new HashMap<>();
        long totalR1 = 0;
        List<String> ids = new ArrayList<>();
        for (ConsumerRecord<String, InvoiceEvent> e : tenantEvents("snap", 10)) {
            ids.add(eventId(e.value()));
            if (e.value().getPayload() instanceof PaymentReceived p) {
                paidById.put(p.getEventId(), p.getAmount().getAmountMinor());
                if (p.getInvoiceId().equals("R-1")) {
                    totalR1 += p.getAmount().getAmountMinor();
                }
            }
        }
        // Week 1: 400.00 reached; week 2: 800.00 reached, 400.00 more; R-2 paid in full once, re-sent with its id.
        assertThat(paidById).containsEntry("csv:snap:R-1:paid:40000", 40000L)
                .containsEntry("csv:snap:R-1:paid:80000", 40000L)
                .containsEntry("csv:snap:R-2:paid", 30000L).hasSize(3);
        // Distinct payment ids of R-1 sum to the true cumulative 800.00: 400.00 outstanding of 1,200.00.
        assertThat(totalR1).isEqualTo(80000L);
        assertThat(ids.stream().filter(id -> id.equals("csv:snap:R-2:paid")).count()).isEqualTo(3);
        assertThat(Files.readString(state)).contains("R-1\t80000").doesNotContain("R-2");

        // A snapshot showing less paid than before is refused, never read as a negative payment.
        Path week3 = dir.resolve("week3.csv");
        Files.writeString(week3, header + "c,R-1,2025-03-01,2025-03-31,\"1,200.00\",500.00,2025-04-10\n");
        Run third = run(concat(week3, common));
        assertThat(third.code()).isEqualTo(1);
        assertThat(third.out()).contains("line 2: paidAmount (Amount Paid): paid went down from 80000 to 50000");

        // An updated export that corrects an open invoice's amount re-issues it under a new id (the stream processor
        // updates the open invoice: StripeAmountOwedTopologyTest), and the same corrected export again is a duplicate.
        Path before = dir.resolve("before.csv");
        Files.writeString(before, header + "c,R-3,2025-04-01,2025-05-01,500.00,,\n");
        Path corrected = dir.resolve("corrected.csv");
        Files.writeString(corrected, header + "c,R-3,2025-04-01,2025-05-01,450.00,,\n");
        assertThat(run(concat(before, common)).code()).isZero();
        assertThat(run(concat(corrected, common)).code()).isZero();
        assertThat(run(concat(corrected, common)).code()).isZero();
        Map<String, Long> issuedR3 = new HashMap<>();
        List<String> r3Ids = new ArrayList<>();
        for (ConsumerRecord<String, InvoiceEvent> e : tenantEvents("snap", 13)) {
            if (e.value().getPayload() instanceof InvoiceIssued i && i.getInvoiceId().equals("R-3")) {
                issuedR3.put(i.getEventId(), i.getAmount().getAmountMinor());
                r3Ids.add(i.getEventId());
            }
        }
        assertThat(issuedR3).containsEntry("csv:snap:R-3:issued:50000EUR:2025-05-01T00:00:00Z", 50000L)
                .containsEntry("csv:snap:R-3:issued:45000EUR:2025-05-01T00:00:00Z", 45000L).hasSize(2);
        assertThat(r3Ids).hasSize(3);
    }

    @Test
    void aShuffledFileIsPublishedInEventTimeOrderThroughRunsOnDisk(@TempDir Path dir) throws IOException {
        List<String> rows = new ArrayList<>();
        for (int k = 0; k < 400; k++) {
            rows.add("c" + (k % 7) + ",S-" + k + "," + java.time.LocalDate.parse("2024-01-01").plusDays(k) + ",10.00,"
                    + (k % 3 == 0 ? "" : java.time.LocalDate.parse("2024-01-01").plusDays(k + 5 + k % 40)));
        }
        Collections.shuffle(rows, new Random(7));
        Path file = dir.resolve("shuffled.csv");
        Files.writeString(file, "clientId,invoiceId,issuedAt,amount,paidAt\n" + String.join("\n", rows) + "\n");
        // A 16 KB sort buffer forces many sorted runs on disk, merged when published.
        Run r = run(file.toString(), "--tenant", "order", "--currency", "EUR", "--zone", "America/New_York",
                "--sort-buffer-kb", "16", "--transaction-size", "50");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("sorted in \\d+ runs on disk");
        int expected = 400 + (int) rows.stream().filter(row -> !row.endsWith(",")).count();
        List<ConsumerRecord<String, InvoiceEvent>> events = tenantEvents("order", expected);
        assertThat(events).hasSize(expected);
        Map<Integer, List<Long>> timesByPartition = new HashMap<>();
        for (ConsumerRecord<String, InvoiceEvent> e : events) {
            timesByPartition.computeIfAbsent(e.partition(), p -> new ArrayList<>()).add(eventTime(e.value()));
        }
        timesByPartition.values().forEach(times -> assertThat(times).isSorted());
    }

    static String[] concat(Path file, String[] rest) {
        List<String> all = new ArrayList<>();
        all.add(file.toString());
        all.addAll(List.of(rest));
        return all.toArray(String[]::new);
    }

    static String eventId(InvoiceEvent e) {
        return e.getPayload() instanceof InvoiceIssued i ? i.getEventId() : ((PaymentReceived) e.getPayload()).getEventId();
    }

    static long eventTime(InvoiceEvent e) {
        return (e.getPayload() instanceof InvoiceIssued i ? i.getIssuedAt()
                : ((PaymentReceived) e.getPayload()).getPaidAt()).toEpochMilli();
    }
}
