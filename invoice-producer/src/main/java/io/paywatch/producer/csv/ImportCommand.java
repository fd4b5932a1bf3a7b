package io.paywatch.producer.csv;

import io.paywatch.producer.publish.KafkaUnavailableException;
import io.paywatch.producer.publish.CommandLineKafka;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.publish.PublisherSettings;
import io.paywatch.producer.publish.TransactionalPublisher;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.producer.zones.SettingsZones;
import io.paywatch.schemas.LogSafe;
import io.paywatch.schemas.Topics;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.PrintStream;
import java.io.Reader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Locale;
import java.util.Optional;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * {@code import FILE --tenant T ...}: backfills an accounts-receivable CSV export through the API's validation
 * path into Kafka. Rows are streamed and validated first (rejected rows are reported with their line numbers);
 * every event of the file is then published in <em>event-time order</em> (an invoice at its invoice date, a
 * payment at its paid date), whatever the order of the rows, through an external sort in bounded memory
 * ({@link EventSorter}), in transactions of {@code --transaction-size} events. Publishing in event-time order
 * is what lets the stream processor judge an invoice's deadline only after the payments made before it.
 *
 * <p>Dates without an offset are calendar dates in {@code --zone}, which defaults to the tenant's saved zone (the
 * {@code freelancer-settings} topic), so the import and the stream processor count the same days. Amounts are
 * read in {@code --locale} ({@link AmountParser}). Each row is a snapshot of its invoice; re-imports publish only
 * what changed ({@link RowMapper}, {@link ImportState}).
 *
 * <p>Exit codes: 0 all rows imported, 1 some rows rejected (the rest imported), 2 usage or file error (nothing
 * published), 3 Kafka failed (the events up to the reported event time are committed; re-running is safe, event
 * ids are deterministic and the stream processor drops duplicates).
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

    @Option(names = "--zone", description = "IANA time zone of dates without an offset (default: the tenant's "
            + "saved settings on Kafka, else UTC).")
    String zone;

    @Option(names = "--locale", description = "How amounts are written, as a BCP 47 tag: en-US 1,234.56 (default), "
            + "de-DE 1.234,56, fr-FR 1 234,56, de-CH 1'234.56.")
    String locale;

    @Option(names = "--currency", description = "Currency when the file has no currency column or it is empty.")
    String currency;

    @Option(names = "--terms-days", defaultValue = "30",
            description = "Payment terms in calendar days when a row has neither due date nor terms (default 30).")
    int termsDays;

    @Option(names = "--decimal-separator", description = "Deprecated: ',' is --locale de-DE, '.' is --locale en-US.")
    Character decimalSeparator;

    @Option(names = "--delimiter", defaultValue = ",", description = "Field delimiter (default ',').")
    char delimiter;

    @Option(names = "--encoding", defaultValue = "UTF-8",
            description = "Character set of the file (default UTF-8; a byte-order mark is skipped).")
    String encoding;

    @Option(names = "--state", description = "Re-import state file: cumulative paid per partly paid invoice "
            + "(default ~/.paywatch/csv-import/<tenant>.state).")
    Path stateFile;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default $KAFKA_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    @Option(names = "--transaction-size", defaultValue = "5000", description = "Events per Kafka transaction.")
    int transactionSize;

    @Option(names = "--sort-buffer-kb", defaultValue = "8192", hidden = true,
            description = "Heap for sorting before events spill to temporary run files.")
    int sortBufferKb;

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
        Locale amountLocale;
        Charset charset;
        try {
            mapping = ColumnMapping.parse(map);
            if (!"iso".equalsIgnoreCase(dateFormat)) {
                RowMapper.formatter(dateFormat);
            }
            amountLocale = amountLocale();
            charset = Charset.forName(encoding);
            if (currency != null && !EventValidator.isCurrency(currency)) {
                throw new IllegalArgumentException("--currency '" + currency + "' is not an ISO-4217 code");
            }
            if (termsDays < 0 || termsDays > EventValidator.MAX_TERMS_DAYS) {
                throw new IllegalArgumentException("--terms-days must be between 0 and " + EventValidator.MAX_TERMS_DAYS);
            }
        } catch (RuntimeException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        if (!Files.isReadable(file)) {
            err.println("error: cannot read " + file);
            return 2;
        }
        ZoneId dateZone;
        String zoneSource;
        if (zone != null) {
            try {
                dateZone = ZoneId.of(zone);
            } catch (RuntimeException e) {
                err.println("error: --zone '" + zone + "' is not an IANA time zone");
                return 2;
            }
            zoneSource = "--zone";
        } else {
            try {
                Optional<ZoneId> saved = SettingsZones.readOnce(bootstrapServers, tenant, Duration.ofSeconds(20));
                dateZone = saved.orElse(ZoneOffset.UTC);
                zoneSource = saved.isPresent() ? "the tenant's saved settings" : "no saved settings: UTC";
            } catch (RuntimeException e) {
                if (!dryRun) {
                    err.println("error: cannot read the tenant's time zone from Kafka at " + bootstrapServers + " ("
                            + e.getMessage() + "); pass --zone");
                    return 3;
                }
                dateZone = ZoneOffset.UTC;
                zoneSource = "Kafka not readable, dry run: UTC";
            }
        }
        ImportState state;
        try {
            Path path = stateFile != null ? stateFile
                    : Path.of(System.getProperty("user.home"), ".paywatch", "csv-import", tenant + ".state");
            // A dry run computes the same deltas as the real run would, and never saves the state.
            state = ImportState.load(path);
        } catch (IOException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        RowMapper.Format format = new RowMapper.Format(dateFormat, dateZone, currency, amountLocale);
        RowMapper rows = new RowMapper(mapping, format, new EventValidator(clock), tenant, termsDays, state);
        long size = Files.size(file);
        CSVFormat csv = CSVFormat.DEFAULT.builder().setHeader().setSkipHeaderRecord(true).setTrim(true)
                .setIgnoreEmptyLines(true).setDelimiter(delimiter).get();
        out.println("zone:             " + dateZone.getId() + " (" + zoneSource + ")");
        out.println("amounts:          " + amountLocale.toLanguageTag() + " (" + new AmountParser(amountLocale).example()
                + ")");
        long read = 0;
        long rejected = 0;
        List<String> rejections = new ArrayList<>();
        ProgressBar progress = noProgress ? null : new ProgressBar(err, size, "rows");
        try (EventSorter sorter = new EventSorter(sortBufferKb * 1024L, tempDir())) {
            // 1. Read, map and validate every row; events go to the external sort (nothing is published yet, so a
            //    file or usage error still publishes nothing).
            try (CountingInputStream bytes = new CountingInputStream(Files.newInputStream(file));
                 Reader reader = withoutByteOrderMark(new BufferedReader(new InputStreamReader(bytes,
                         charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                                 .onUnmappableCharacter(CodingErrorAction.REPORT)), 64 * 1024));
                 CSVParser parser = csv.parse(reader)) {
                List<String> absent = new ArrayList<>();
                for (String field : ColumnMapping.REQUIRED) {
                    if (!parser.getHeaderMap().containsKey(mapping.column(field))) {
                        absent.add(field + " -> '" + mapping.column(field) + "'");
                    }
                }
                if (!absent.isEmpty()) {
                    // Header cells are the file's text: escaped, so a stray CR or ESC cannot forge output lines.
                    err.println("error: columns not in the header " + LogSafe.escape(parser.getHeaderNames().toString())
                            + ": " + LogSafe.escape(String.valueOf(absent)) + " (use --map field=Column)");
                    return 2;
                }
                Set<String> headers = parser.getHeaderMap().keySet();
                long lastLine = 1; // the header
                try {
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
                            for (RowMapper.Dated d : row.dated()) {
                                sorter.add(d.eventTime(), d.event());
                            }
                        }
                        if (progress != null) {
                            progress.update(bytes.count(), read, rejected, false);
                        }
                    }
                } catch (UncheckedIOException e) {
                    err.println();
                    err.println("error: " + file + " near line " + (lastLine + 1) + " is not " + charset.name()
                            + " text (" + e.getCause().getMessage() + "): pass --encoding, e.g. windows-1252; "
                            + "nothing was published");
                    return 2;
                }
                if (progress != null) {
                    progress.finish(bytes.count(), read, rejected);
                }
            } catch (IllegalArgumentException | IllegalStateException e) {
                err.println("error: " + e.getMessage() + "; nothing was published");
                return 2;
            }
            // 2. Publish every event of the file in event-time order, in transactions of --transaction-size.
            long published = publishSorted(sorter);
            if (published < 0) {
                return 3;
            }
            if (!dryRun) {
                state.save();
            }
            summary = new ImportSummary(read, published, rejected, List.copyOf(rejections));
            out.println("rows read:        " + read);
            out.println("events published: " + published + (dryRun ? " (dry run: nothing sent)" : "")
                    + ", in event-time order" + (sorter.runs() > 0 ? " (sorted in " + sorter.runs() + " runs on disk)" : ""));
            out.println("rows rejected:    " + rejected);
            rejections.forEach(r -> out.println("  " + LogSafe.escape(String.valueOf(r)))); // cells may hold CR/LF/ESC
            if (rejected > rejections.size()) {
                out.println("  ... and " + (rejected - rejections.size()) + " more");
            }
            if (!dryRun && state.file() != null && state.size() > 0) {
                out.println("re-import state:   " + state.file() + " (" + state.size() + " partly paid invoices)");
            }
            return rejected == 0 ? 0 : 1;
        }
    }

    /** Publishes the sorted events; returns how many, or -1 after reporting a Kafka failure. */
    private long publishSorted(EventSorter sorter) throws IOException {
        TransactionalPublisher publisher = null;
        if (!dryRun) {
            String missing = missingTopics();
            if (missing != null) {
                err.println("error: " + missing);
                return -1;
            }
            publisher = new TransactionalPublisher(new PublisherSettings(bootstrapServers,
                    "paywatch-import-" + UUID.randomUUID(), 1, "lz4", Duration.ofMillis(20), Duration.ofSeconds(30),
                    Duration.ofSeconds(120), Map.of("batch.size", "262144")));
        }
        long published = 0;
        long lastCommittedTime = Long.MIN_VALUE;
        List<OutboundEvent> pending = new ArrayList<>(transactionSize + 2);
        long pendingLastTime = Long.MIN_VALUE;
        ProgressBar progress = noProgress || dryRun ? null : new ProgressBar(err, sorter.count(), "events");
        try {
            Iterator<EventSorter.Timed> it = sorter.sorted();
            while (it.hasNext()) {
                EventSorter.Timed t = it.next();
                pending.add(t.event());
                pendingLastTime = t.eventTime();
                if (pending.size() >= transactionSize) {
                    published += CommandLineKafka.flush(publisher, pending);
                    lastCommittedTime = pendingLastTime;
                    if (progress != null) {
                        progress.update(published, published, 0, false);
                    }
                }
            }
            published += CommandLineKafka.flush(publisher, pending);
            if (progress != null) {
                progress.finish(published, published, 0);
            }
            return published;
        } catch (KafkaUnavailableException e) {
            err.println();
            err.println("error: Kafka failed: " + e.getMessage());
            err.println("committed: " + published + " events" + (lastCommittedTime == Long.MIN_VALUE ? ""
                    : ", every event up to " + java.time.Instant.ofEpochMilli(lastCommittedTime))
                    + ". Re-running the whole import is safe (deterministic event ids; the re-import state was not "
                    + "updated).");
            return -1;
        } finally {
            if (publisher != null) {
                publisher.close();
            }
        }
    }

    private Locale amountLocale() {
        if (locale != null) {
            Locale l = Locale.forLanguageTag(locale);
            if (l.getLanguage().isEmpty() || !Arrays.asList(Locale.getAvailableLocales()).contains(l)) {
                throw new IllegalArgumentException("--locale '" + locale + "' is not a locale this Java knows "
                        + "(a BCP 47 tag such as en-US, de-DE, fr-FR, de-CH)");
            }
            return l;
        }
        if (decimalSeparator != null) {
            if (decimalSeparator == ',') {
                return Locale.GERMANY;
            }
            if (decimalSeparator == '.') {
                return Locale.US;
            }
            throw new IllegalArgumentException("--decimal-separator must be ',' or '.'; use --locale");
        }
        return Locale.US;
    }

    private static Path tempDir() {
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    /** Excel's "CSV UTF-8" starts with U+FEFF; without this the first header is "\uFEFFCustomer". */
    static Reader withoutByteOrderMark(BufferedReader reader) throws IOException {
        reader.mark(1);
        int first = reader.read();
        if (first != '\uFEFF' && first != -1) {
            reader.reset();
        }
        return reader;
    }

    /** Null when the event topic exists; otherwise what to do. The CLI never creates topics. */
    private String missingTopics() {
        return CommandLineKafka.missingTopic(bootstrapServers, Topics.INVOICE_EVENTS.name());
    }
}
