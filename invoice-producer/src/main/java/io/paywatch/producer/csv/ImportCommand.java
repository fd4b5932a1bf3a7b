package io.paywatch.producer.csv;

import io.paywatch.producer.publish.KafkaUnavailableException;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.publish.PublisherSettings;
import io.paywatch.producer.publish.TransactionalPublisher;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.schemas.Topics;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * {@code import FILE --tenant T ...}: backfills an accounts-receivable CSV export through the API's validation
 * path into Kafka. Rows are streamed (memory is bounded by the transaction size, not the file), published in
 * transactions of {@code --transaction-size} events, and rejected rows are reported with their line numbers.
 *
 * <p>Exit codes: 0 all rows imported, 1 some rows rejected (the rest imported), 2 usage or file error,
 * 3 Kafka failed (everything before the reported line is committed; re-running is safe, event ids are
 * deterministic and the stream processor drops duplicates).
 */
@Command(name = "import", mixinStandardHelpOptions = true,
        description = "Backfill invoices and payments from an accounts-receivable CSV export.")
public final class ImportCommand implements Callable<Integer> {

    /** Rejected rows listed in full in the summary; the rest are only counted, to keep memory bounded. */
    static final int MAX_LISTED_REJECTIONS = 1000;

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV file with a header row.")
    Path file;

    @Option(names = "--tenant", required = true, description = "Tenant the rows belong to.")
    String tenant;

    @Option(names = "--map", description = "field=Column pairs, e.g. clientId=Customer,invoiceId=Invoice No. "
            + "Fields: clientId, clientName, invoiceId, issuedAt, dueAt, paymentTermsDays, amount, currency, "
            + "paidAt, paidAmount.")
    String map;

    @Option(names = "--date-format", defaultValue = "iso",
            description = "java.time pattern such as M/d/yyyy or dd.MM.yyyy HH:mm, or 'iso' (default).")
    String dateFormat;

    @Option(names = "--zone", defaultValue = "UTC", description = "Time zone of dates without one (default UTC).")
    String zone;

    @Option(names = "--currency", description = "Currency when the file has no currency column or it is empty.")
    String currency;

    @Option(names = "--terms-days", defaultValue = "30", description = "Payment terms when a row has no due date.")
    int termsDays;

    @Option(names = "--decimal-separator", defaultValue = ".", description = "'.' (1,234.50) or ',' (1.234,50).")
    char decimalSeparator;

    @Option(names = "--delimiter", defaultValue = ",", description = "Field delimiter (default ',').")
    char delimiter;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default $KAFKA_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    @Option(names = "--transaction-size", defaultValue = "5000", description = "Events per Kafka transaction.")
    int transactionSize;

    @Option(names = "--dry-run", description = "Validate only; publish nothing.")
    boolean dryRun;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private Clock clock = Clock.systemUTC();
    private ImportSummary summary;

    /** What an import did. */
    public record ImportSummary(long rowsRead, long eventsPublished, long rowsRejected, List<String> rejections) {
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the command with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        ImportCommand command = new ImportCommand();
        command.out = out;
        command.err = err;
        return new CommandLine(command).setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true)).execute(args);
    }

    /** Runs and returns the summary, for tests. */
    static ImportSummary run(String[] args, PrintStream out, PrintStream err) {
        ImportCommand command = new ImportCommand();
        command.out = out;
        command.err = err;
        int code = new CommandLine(command).execute(args);
        if (command.summary == null) {
            throw new IllegalStateException("import failed with exit code " + code);
        }
        return command.summary;
    }

    @Override
    public Integer call() throws IOException {
        ColumnMapping mapping;
        RowMapper.Format format;
        try {
            mapping = ColumnMapping.parse(map);
            format = new RowMapper.Format(dateFormat, ZoneId.of(zone), currency, decimalSeparator);
            if (!"iso".equalsIgnoreCase(dateFormat)) {
                java.time.format.DateTimeFormatter.ofPattern(dateFormat);
            }
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (!Files.isReadable(file)) {
            err.println("error: cannot read " + file);
            return 2;
        }
        RowMapper rows = new RowMapper(mapping, format, new EventValidator(clock), tenant, termsDays);
        long size = Files.size(file);
        CSVFormat csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).setDelimiter(delimiter).get();
        TransactionalPublisher publisher = null;
        if (!dryRun) {
            String missing = missingTopics();
            if (missing != null) {
                err.println("error: " + missing);
                return 3;
            }
            publisher = new TransactionalPublisher(new PublisherSettings(bootstrapServers,
                    "paywatch-import-" + UUID.randomUUID(), 1, "lz4", Duration.ofMillis(20), Duration.ofSeconds(30),
                    Duration.ofSeconds(120), Map.of("batch.size", "262144")));
        }
        long read = 0;
        long published = 0;
        long rejected = 0;
        List<String> rejections = new ArrayList<>();
        List<OutboundEvent> pending = new ArrayList<>(transactionSize + 2);
        long pendingFirstLine = -1;
        ProgressBar progress = noProgress ? null : new ProgressBar(err, size);
        try (CountingInputStream bytes = new CountingInputStream(Files.newInputStream(file));
             Reader reader = new InputStreamReader(bytes, StandardCharsets.UTF_8);
             CSVParser parser = csv.parse(reader)) {
            List<String> absent = new ArrayList<>();
            for (String field : ColumnMapping.REQUIRED) {
                if (!parser.getHeaderMap().containsKey(mapping.column(field))) {
                    absent.add(field + " -> '" + mapping.column(field) + "'");
                }
            }
            if (!absent.isEmpty()) {
                err.println("error: columns not in the header " + parser.getHeaderNames() + ": " + absent
                        + " (use --map field=Column)");
                return 2;
            }
            Set<String> headers = parser.getHeaderMap().keySet();
            long lastLine = 1; // the header
            for (CSVRecord record : parser) {
                long line = lastLine + 1;
                lastLine = parser.getCurrentLineNumber();
                read++;
                RowMapper.Row row = rows.map(name -> headers.contains(name) && record.isSet(name)
                        ? record.get(name) : null);
                if (!row.reasons().isEmpty()) {
                    rejected++;
                    if (rejections.size() < MAX_LISTED_REJECTIONS) {
                        rejections.add("line " + line + ": " + String.join("; ", row.reasons()));
                    }
                } else {
                    if (pending.isEmpty()) {
                        pendingFirstLine = line;
                    }
                    pending.addAll(row.events());
                    if (pending.size() >= transactionSize) {
                        published += flush(publisher, pending);
                    }
                }
                if (progress != null) {
                    progress.update(bytes.count(), read, rejected, false);
                }
            }
            published += flush(publisher, pending);
            if (progress != null) {
                progress.finish(bytes.count(), read, rejected);
            }
        } catch (KafkaUnavailableException e) {
            err.println();
            err.println("error: Kafka failed: " + e.getMessage());
            err.println("committed: " + published + " events; rows from line " + pendingFirstLine
                    + " on were not committed. Re-running the whole import is safe (deterministic event ids).");
            return 3;
        } finally {
            if (publisher != null) {
                publisher.close();
            }
        }
        summary = new ImportSummary(read, published, rejected, List.copyOf(rejections));
        out.println("rows read:        " + read);
        out.println("events published: " + published + (dryRun ? " (dry run: nothing sent)" : ""));
        out.println("rows rejected:    " + rejected);
        rejections.forEach(r -> out.println("  " + r));
        if (rejected > rejections.size()) {
            out.println("  ... and " + (rejected - rejections.size()) + " more");
        }
        return rejected == 0 ? 0 : 1;
    }

    private long flush(TransactionalPublisher publisher, List<OutboundEvent> pending) {
        int n = pending.size();
        if (publisher != null && n > 0) {
            publisher.publish(pending);
        }
        pending.clear();
        return n;
    }

    /** Null when the event topics exist; otherwise what to do. The CLI never creates topics. */
    private String missingTopics() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
            Set<String> names = admin.listTopics().names().get(20, TimeUnit.SECONDS);
            if (!names.contains(Topics.INVOICE_EVENTS.name())) {
                return "topic " + Topics.INVOICE_EVENTS.name() + " does not exist on " + bootstrapServers
                        + ": start invoice-producer once (it creates the catalogue's topics)";
            }
            return null;
        } catch (Exception e) {
            return "cannot reach Kafka at " + bootstrapServers + ": " + e;
        }
    }
}
