package io.paywatch.producer.csv;

import io.paywatch.contract.InvoiceEvent;
import io.paywatch.contract.InvoiceIssued;
import io.paywatch.contract.PaymentReceived;
import io.paywatch.contract.SourceSystem;
import io.paywatch.schemas.TopicBootstrap;
import io.paywatch.schemas.Topics;
import io.paywatch.testkit.KafkaBroker;
import io.paywatch.testkit.KafkaBrokerExtension;
import io.paywatch.testkit.KafkaTestClients;
import io.paywatch.testkit.SharedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The CSV backfill against the real broker: exact records landed, rejected rows reported by line. */
@ExtendWith(KafkaBrokerExtension.class)
class ImportCommandTest {

    static final int ROWS = 300;
    /** Data row index (0-based) -> why it is bad. The file line is index + 2 (line 1 is the header). */
    static final Map<Integer, String> BAD = Map.of(
            3, "zero amount", 8, "bad date", 18, "no customer", 28, "before 2000", 38, "too many decimals");

    @BeforeAll
    static void topics(KafkaBroker broker) {
        // Right after the extension deleted the previous class's topics the broker may briefly answer
        // UnknownTopicOrPartition; retry until the catalogue exists.
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
            try (var admin = broker.admin()) {
                new TopicBootstrap(3, (short) 1).ensureTopics(admin);
                return true;
            }
        });
    }

    record Expected(int issued, int paid, Map<String, Long> amounts) {
    }

    static Expected writeCsv(Path file) throws IOException {
        StringBuilder sb = new StringBuilder("Customer,Customer Name,Invoice No,Invoice Date,Due Date,Amount,Paid Date\n");
        int issued = 0;
        int paid = 0;
        Map<String, Long> amounts = new HashMap<>();
        for (int i = 0; i < ROWS; i++) {
            String customer = "cust-" + (i % 17);
            String name = i == 1 ? "\"Acme, Inc.\"" : "Customer " + (i % 17);
            String invoiceDate = "3/" + (1 + i % 28) + "/2024";
            String due = i % 3 == 0 ? "" : "4/" + (1 + i % 28) + "/2024";
            String amount = i == 2 ? "\"1,234.50\"" : (100 + i) + ".25";
            String paidDate = i % 2 == 0 ? "5/" + (1 + i % 28) + "/2024" : "";
            switch (BAD.getOrDefault(i, "")) {
                case "zero amount" -> amount = "0.00";
                case "bad date" -> invoiceDate = "13/45/2024";
                case "no customer" -> customer = "";
                case "before 2000" -> invoiceDate = "1/5/1999";
                case "too many decimals" -> amount = "12.345";
                default -> {
                    issued++;
                    if (!paidDate.isEmpty()) {
                        paid++;
                    }
                    amounts.put("INV-" + i, i == 2 ? 123450L : (100 + i) * 100L + 25);
                }
            }
            sb.append(String.join(",", customer, name, "INV-" + i, invoiceDate, due, amount, paidDate)).append('\n');
        }
        Files.writeString(file, sb.toString());
        return new Expected(issued, paid, amounts);
    }

    @Test
    void generatedCsvLandsExactlyTheExpectedRecordsAndReportsRejectedLines(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("receivables.csv");
        Expected expected = writeCsv(file);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ImportCommand.execute(new String[] {file.toString(), "--tenant", "acme",
                "--map", "clientId=Customer,clientName=Customer Name,invoiceId=Invoice No,issuedAt=Invoice Date,"
                        + "dueAt=Due Date,amount=Amount,paidAt=Paid Date",
                "--date-format", "M/d/yyyy", "--currency", "EUR", "--terms-days", "30",
                "--transaction-size", "64", "--bootstrap-servers", SharedKafka.bootstrapServers()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String summary = out.toString(StandardCharsets.UTF_8);
        System.out.println(summary);

        assertThat(code).as(err.toString(StandardCharsets.UTF_8)).isEqualTo(1);
        assertThat(summary).contains("rows read:        " + ROWS)
                .contains("events published: " + (expected.issued() + expected.paid()))
                .contains("rows rejected:    " + BAD.size())
                .contains("line 5: amount.amountMinor (Amount): must be greater than zero")
                .contains("line 10: issuedAt (Invoice Date): '13/45/2024' does not match --date-format M/d/yyyy")
                .contains("line 20: clientId (Customer): is required")
                .contains("line 30: issuedAt (Invoice Date): is before 2000-01-01T00:00:00Z")
                .contains("line 40: amount (Amount): '12.345' has more decimals than EUR allows");
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("100%");

        List<ConsumerRecord<String, InvoiceEvent>> all = readAllCommitted(expected.issued() + expected.paid());
        List<InvoiceIssued> issued = new ArrayList<>();
        List<PaymentReceived> paid = new ArrayList<>();
        for (ConsumerRecord<String, InvoiceEvent> r : all) {
            assertThat(r.key()).startsWith("acme|cust-");
            if (r.value().getPayload() instanceof InvoiceIssued i) {
                issued.add(i);
            } else {
                paid.add((PaymentReceived) r.value().getPayload());
            }
        }
        assertThat(issued).hasSize(expected.issued());
        assertThat(paid).hasSize(expected.paid());
        Map<String, Long> amounts = new TreeMap<>();
        issued.forEach(i -> amounts.put(i.getInvoiceId(), i.getAmount().getAmountMinor()));
        assertThat(amounts).isEqualTo(new TreeMap<>(expected.amounts()));
        assertThat(issued).allSatisfy(i -> assertThat(i.getSource()).isEqualTo(SourceSystem.CSV));

        InvoiceIssued first = issued.stream().filter(i -> i.getInvoiceId().equals("INV-0")).findFirst().orElseThrow();
        // Row 0 has no due date: the --terms-days apply. Historical event time stays in the payload.
        assertThat(first.getIssuedAt()).isEqualTo(Instant.parse("2024-03-01T00:00:00Z"));
        assertThat(first.getDueAt()).isEqualTo(Instant.parse("2024-03-31T00:00:00Z"));
        // The id carries the snapshot an updated export may change: amount, currency, due date or terms.
        assertThat(first.getEventId()).isEqualTo("csv:acme:INV-0:issued:" + first.getAmount().getAmountMinor()
                + first.getAmount().getCurrency() + ":net30");
        InvoiceIssued quoted = issued.stream().filter(i -> i.getInvoiceId().equals("INV-1")).findFirst().orElseThrow();
        assertThat(quoted.getClientName()).isEqualTo("Acme, Inc.");
        assertThat(quoted.getDueAt()).isEqualTo(Instant.parse("2024-04-02T00:00:00Z"));
        PaymentReceived p0 = paid.stream().filter(p -> p.getInvoiceId().equals("INV-0")).findFirst().orElseThrow();
        assertThat(p0.getPaidAt()).isEqualTo(Instant.parse("2024-05-01T00:00:00Z"));
        assertThat(p0.getAmount().getAmountMinor()).isEqualTo(10025L);
        assertThat(p0.getEventId()).isEqualTo("csv:acme:INV-0:paid");
    }

    @Test
    void missingMappedColumnIsAUsageErrorAndPublishesNothing(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("bad.csv");
        Files.writeString(file, "Customer,Invoice No,Amount\nc,1,10\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = ImportCommand.execute(new String[] {file.toString(), "--tenant", "acme", "--map",
                "clientId=Customer,invoiceId=Invoice No", "--bootstrap-servers", SharedKafka.bootstrapServers()},
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("issuedAt -> 'issuedAt'");
    }

    /** Every committed record of invoice-events: read until the consumer reaches the end of each partition. */
    static List<ConsumerRecord<String, InvoiceEvent>> readAllCommitted(int atLeast) {
        List<ConsumerRecord<String, InvoiceEvent>> read = new ArrayList<>();
        try (KafkaConsumer<String, InvoiceEvent> consumer = KafkaTestClients.consumer(new StringDeserializer(),
                Topics.INVOICE_EVENTS.valueSerde().deserializer())) {
            List<TopicPartition> parts = consumer.partitionsFor(Topics.INVOICE_EVENTS.name()).stream()
                    .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(parts);
            consumer.seekToBeginning(parts);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ZERO).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                Map<TopicPartition, Long> end = consumer.endOffsets(parts);
                return read.size() >= atLeast && Set.copyOf(parts).stream()
                        .allMatch(tp -> consumer.position(tp) >= end.get(tp));
            });
        }
        return read;
    }
}
