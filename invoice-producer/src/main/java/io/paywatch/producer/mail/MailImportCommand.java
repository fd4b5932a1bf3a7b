package io.paywatch.producer.mail;

import io.paywatch.producer.contacts.ContactsStore;
import io.paywatch.producer.contacts.TenantContacts;
import io.paywatch.producer.csv.EventSorter;
import io.paywatch.producer.csv.ProgressBar;
import io.paywatch.producer.publish.KafkaUnavailableException;
import io.paywatch.producer.publish.CommandLineKafka;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.publish.PublisherSettings;
import io.paywatch.producer.publish.TransactionalPublisher;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.schemas.LogSafe;
import io.paywatch.schemas.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.MimeMessage;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;

/**
 * The mail history import: an mbox file (Gmail Takeout, Thunderbird) or {@code .eml} files become
 * {@code MessageSent} / {@code MessageReceived} events, from their headers only ({@link MailMapper}), published in
 * event-time order through the same transactional publisher as the API. The mailbox is streamed one header block
 * at a time; events go through the CSV import's external sort, so memory stays bounded.
 */
@Command(name = "mail-import", mixinStandardHelpOptions = true,
        description = "Import message events from an mbox file or .eml files, reading headers only.")
public final class MailImportCommand implements Callable<Integer> {

    /** Skipped messages listed one by one, at most; the rest are counted. */
    static final int MAX_LISTED = 1_000;

    /** Skip reasons that mean the input was faulty (exit 1), as opposed to mail that is simply not a client's. */
    static final Set<MailMapper.Skip> FAULTS = Set.of(MailMapper.Skip.MALFORMED, MailMapper.Skip.NO_MESSAGE_ID,
            MailMapper.Skip.NO_SENDER, MailMapper.Skip.BAD_DATE, MailMapper.Skip.INVALID);

    @Parameters(index = "0", paramLabel = "PATH", description = "An mbox file, an .eml file, or a folder of .eml files.")
    Path path;

    @Option(names = "--tenant", required = true, description = "Tenant the mailbox belongs to.")
    String tenant;

    @Option(names = "--own-address", required = true, split = ",", paramLabel = "ADDRESS",
            description = "The tenant's own addresses (repeat or comma-separate): mail from them is sent, to them received.")
    List<String> ownAddresses;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    @Option(names = "--threads", defaultValue = "references", description = "How threads are told apart: "
            + "references (default; the same as the IMAP watcher) or gmail (X-GM-THRID when present, for a Gmail "
            + "Takeout history that live mail is not added to).")
    String threads;

    @Option(names = "--transaction-size", defaultValue = "5000", description = "Events per Kafka transaction.")
    int transactionSize;

    @Option(names = "--sort-buffer-kb", defaultValue = "8192", hidden = true,
            description = "Heap for sorting events before spilling a run to disk.")
    long sortBufferKb;

    @Option(names = "--dry-run", description = "Map and count; publish nothing (contacts are still read from Kafka).")
    boolean dryRun;

    @Option(names = "--no-progress", description = "No progress bar on stderr.")
    boolean noProgress;

    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private Clock clock = Clock.systemUTC();
    private Summary summary;

    /** What an import did. */
    public record Summary(long messagesRead, long eventsPublished, Map<MailMapper.Skip, Long> skipped,
            List<String> listed) {
    }

    public static void main(String[] args) {
        System.exit(execute(args, System.out, System.err));
    }

    /** Runs the command with the given streams; returns the exit code. */
    public static int execute(String[] args, PrintStream out, PrintStream err) {
        return execute(args, out, err, Clock.systemUTC()).code;
    }

    record Outcome(int code, Summary summary) {
    }

    /** Runs with a clock (tests pin it); returns the exit code and, when the import ran, its summary. */
    static Outcome execute(String[] args, PrintStream out, PrintStream err, Clock clock) {
        MailImportCommand command = new MailImportCommand();
        command.out = out;
        command.err = err;
        command.clock = clock;
        int code = new CommandLine(command).setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true)).execute(args);
        return new Outcome(code, command.summary);
    }

    @Override
    public Integer call() throws IOException {
        if (transactionSize < 1) {
            err.println("error: --transaction-size must be at least 1");
            return 2;
        }
        if (!Files.isReadable(path)) {
            err.println("error: cannot read " + path);
            return 2;
        }
        Set<String> own = new LinkedHashSet<>();
        try {
            for (String a : ownAddresses) {
                own.add(a.strip());
            }
            own.forEach(io.paywatch.producer.contacts.ContactEntry::parse);
        } catch (IllegalArgumentException e) {
            err.println("error: --own-address: " + e.getMessage());
            return 2;
        }
        TenantContacts contacts;
        try {
            contacts = ContactsStore.readOnce(bootstrapServers, tenant, Duration.ofSeconds(20));
        } catch (RuntimeException e) {
            err.println("error: cannot read the tenant's contacts from Kafka at " + bootstrapServers + " ("
                    + e.getMessage() + ")");
            return 3;
        }
        MailMapper mapper;
        try {
            MailMapper.Threads rule = switch (threads.toLowerCase(java.util.Locale.ROOT)) {
                case "references" -> MailMapper.Threads.REFERENCES;
                case "gmail" -> MailMapper.Threads.GMAIL;
                default -> throw new IllegalArgumentException("--threads must be references or gmail");
            };
            mapper = new MailMapper(tenant, own, contacts, new EventValidator(clock), rule);
        } catch (IllegalArgumentException e) {
            err.println("error: " + (e.getMessage().startsWith("--threads") ? "" : "--own-address: ") + e.getMessage());
            return 2;
        }
        out.println("tenant:            " + tenant + ", own addresses " + String.join(", ", own));
        out.println("contacts:          " + contacts.size() + " addresses and domains (" + Topics.CLIENT_CONTACTS.name()
                + ")");
        if (contacts.size() == 0) {
            out.println("                   none: every message will be skipped; add them with "
                    + "PUT /v1/clients/{clientId}/contacts");
        }
        long read = 0;
        long skippedTotal = 0;
        Map<MailMapper.Skip, Long> skipped = new EnumMap<>(MailMapper.Skip.class);
        List<String> listed = new ArrayList<>();
        try (MailSource source = openSource();
             EventSorter sorter = new EventSorter(sortBufferKb * 1024L, Path.of(System.getProperty("java.io.tmpdir")))) {
            if (source == null) {
                return 2;
            }
            ProgressBar progress = noProgress ? null : new ProgressBar(err, source.size(), "messages");
            for (MailSource.Raw raw = source.next(); raw != null; raw = source.next()) {
                read++;
                MailMapper.Result result = map(mapper, raw);
                if (result instanceof MailMapper.Mapped m) {
                    for (OutboundEvent e : m.events()) {
                        sorter.add(m.eventTime().toEpochMilli(), e);
                    }
                } else {
                    MailMapper.Skipped s = (MailMapper.Skipped) result;
                    skippedTotal++;
                    skipped.merge(s.reason(), 1L, Long::sum);
                    if (listed.size() < MAX_LISTED) {
                        listed.add(raw.where() + ": " + s.reason().code + " (" + s.detail() + ")");
                    }
                }
                if (progress != null) {
                    progress.update(source.position(), read, skippedTotal, false);
                }
            }
            if (progress != null) {
                progress.finish(source.position(), read, skippedTotal);
            }
            long published = publishSorted(sorter);
            if (published < 0) {
                return 3;
            }
            summary = new Summary(read, published, Map.copyOf(skipped), List.copyOf(listed));
            out.println("messages read:     " + read);
            out.println("events published:  " + published + (dryRun ? " (dry run: nothing sent)" : "")
                    + ", in event-time order");
            out.println("messages skipped:  " + skippedTotal);
            skipped.forEach((reason, n) -> out.println(String.format("  %-20s %d", reason.code, n)));
            // Where each was and why; never a subject, a body or an address.
            listed.forEach(l -> out.println("  " + LogSafe.escape(l)));
            if (skippedTotal > listed.size()) {
                out.println("  ... and " + (skippedTotal - listed.size()) + " more");
            }
            boolean faults = skipped.keySet().stream().anyMatch(FAULTS::contains);
            return faults ? 1 : 0;
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
    }

    private MailSource openSource() throws IOException {
        return MailSource.open(path);
    }

    private static MailMapper.Result map(MailMapper mapper, MailSource.Raw raw) {
        if (raw.oversized()) {
            return new MailMapper.Skipped(MailMapper.Skip.MALFORMED, "header block over "
                    + MailSource.MAX_HEADER_BYTES + " bytes");
        }
        MimeMessage message;
        try {
            message = HeaderOnlyMessage.of(raw.headerBlock());
        } catch (MessagingException | RuntimeException e) {
            return new MailMapper.Skipped(MailMapper.Skip.MALFORMED, "headers do not parse");
        }
        return mapper.map(message, raw.envelopeDate());
    }

    /** Publishes the sorted events in transactions; returns how many, or -1 after reporting a Kafka failure. */
    private long publishSorted(EventSorter sorter) throws IOException {
        TransactionalPublisher publisher = null;
        if (!dryRun) {
            String missing = missingTopics();
            if (missing != null) {
                err.println("error: " + missing);
                return -1;
            }
            publisher = new TransactionalPublisher(new PublisherSettings(bootstrapServers,
                    "paywatch-mail-import-" + UUID.randomUUID(), 1, "lz4", Duration.ofMillis(20),
                    Duration.ofSeconds(30), Duration.ofSeconds(120), Map.of("batch.size", "262144")));
        }
        long published = 0;
        long lastCommitted = Long.MIN_VALUE;
        List<OutboundEvent> pending = new ArrayList<>();
        long pendingLast = Long.MIN_VALUE;
        try {
            Iterator<EventSorter.Timed> it = sorter.sorted();
            while (it.hasNext()) {
                EventSorter.Timed t = it.next();
                pending.add(t.event());
                pendingLast = t.eventTime();
                if (pending.size() >= transactionSize) {
                    published += CommandLineKafka.flush(publisher, pending);
                    lastCommitted = pendingLast;
                }
            }
            published += CommandLineKafka.flush(publisher, pending);
            return published;
        } catch (KafkaUnavailableException e) {
            err.println("error: Kafka failed: " + e.getMessage());
            err.println("committed: " + published + " events" + (lastCommitted == Long.MIN_VALUE ? ""
                    : ", every event up to " + Instant.ofEpochMilli(lastCommitted))
                    + ". Re-running the whole import is safe: event ids derive from the Message-IDs.");
            return -1;
        } finally {
            if (publisher != null) {
                publisher.close();
            }
        }
    }

    /** Null when the event topic exists; otherwise what to do. The CLI never creates topics. */
    private String missingTopics() {
        return CommandLineKafka.missingTopic(bootstrapServers, Topics.MESSAGE_EVENTS.name());
    }
}
