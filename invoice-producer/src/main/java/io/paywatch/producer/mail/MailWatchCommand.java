package io.paywatch.producer.mail;

import io.paywatch.contract.MailPosition;
import io.paywatch.producer.contacts.ContactsStore;
import io.paywatch.producer.contacts.TenantContacts;
import io.paywatch.producer.publish.KafkaUnavailableException;
import io.paywatch.producer.publish.PublisherSettings;
import io.paywatch.producer.publish.TransactionalPublisher;
import io.paywatch.producer.validation.EventValidator;
import jakarta.mail.MessagingException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The live mailbox connector: reads an IMAP mailbox's Inbox and Sent folder when IMAP IDLE announces new mail in the
 * Inbox, and at least every {@code --interval}, and publishes
 * message events (headers only) with its position, so it can be stopped and restarted at will. The secret (an app
 * password, or an OAuth2 access token with {@code --xoauth2}) comes from an environment variable, never from the
 * command line, and is never printed.
 */
@Command(name = "mail-watch", mixinStandardHelpOptions = true,
        description = "Watch an IMAP mailbox (Inbox and Sent) and publish message events, reading headers only.")
public final class MailWatchCommand implements Callable<Integer> {

    @Option(names = "--host", required = true, description = "IMAP server, e.g. imap.gmail.com.")
    String host;

    @Option(names = "--port", description = "Port (default 993 with TLS, 143 with --no-tls).")
    Integer port;

    @Option(names = "--no-tls", description = "Plain IMAP instead of IMAPS (local test servers only).")
    boolean noTls;

    @Option(names = "--user", required = true, description = "The login, usually the address.")
    String user;

    @Option(names = "--secret-env", defaultValue = "PAYWATCH_IMAP_SECRET",
            description = "Environment variable holding the app password or OAuth2 token (default PAYWATCH_IMAP_SECRET).")
    String secretEnv;

    @Option(names = "--xoauth2", description = "The secret is an OAuth2 access token (SASL XOAUTH2).")
    boolean xoauth2;

    @Option(names = "--sent-folder", split = ",", defaultValue = "Sent,Sent Items,Sent Messages,[Gmail]/Sent Mail",
            description = "Sent folder names tried when no folder has the SPECIAL-USE \\Sent attribute.")
    List<String> sentFolders;

    @Option(names = "--tenant", required = true, description = "Tenant the mailbox belongs to.")
    String tenant;

    @Option(names = "--own-address", split = ",", paramLabel = "ADDRESS",
            description = "The tenant's own addresses (default: --user).")
    List<String> ownAddresses;

    @Option(names = "--interval", defaultValue = "60s", description = "Time between polls, e.g. 30s, 5m (default 60s).")
    String interval;

    @Option(names = "--once", description = "Poll once and exit.")
    boolean once;

    @Option(names = "--bootstrap-servers", defaultValue = "${env:KAFKA_BOOTSTRAP_SERVERS:-localhost:9092}",
            description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP_SERVERS or localhost:9092).")
    String bootstrapServers;

    private PrintStream out = System.out;
    private PrintStream err = System.err;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile ImapWatcher running;
    /** The IMAP conversation, for tests (credentials are masked). */
    PrintStream protocolLog;
    /** Where the secret is looked up: the environment (tests pass their own). */
    java.util.function.UnaryOperator<String> environment = System::getenv;

    /** Runs with the given streams and environment; returns the exit code (tests). */
    static int execute(String[] args, PrintStream out, PrintStream err,
            java.util.function.UnaryOperator<String> environment) {
        return execute(new MailWatchCommand(), args, out, err, environment);
    }

    /** Runs the given command (a test keeps it to {@link #stop} it). */
    static int execute(MailWatchCommand command, String[] args, PrintStream out, PrintStream err,
            java.util.function.UnaryOperator<String> environment) {
        command.out = out;
        command.err = err;
        command.environment = environment;
        return new CommandLine(command).setOut(new java.io.PrintWriter(out, true))
                .setErr(new java.io.PrintWriter(err, true)).execute(args);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new MailWatchCommand()).execute(args));
    }

    /** Ends the loop: the watcher's connection is closed, which ends an IDLE in progress. */
    void stop() {
        stop.countDown();
        ImapWatcher w = running;
        if (w != null) {
            w.close();
        }
    }

    @Override
    public Integer call() throws InterruptedException {
        String secret = environment.apply(secretEnv);
        if (secret == null || secret.isEmpty()) {
            err.println("error: set the app password (or, with --xoauth2, the access token) in $" + secretEnv);
            return 2;
        }
        Duration every;
        try {
            every = Duration.parse("PT" + interval.toUpperCase(java.util.Locale.ROOT));
        } catch (RuntimeException e) {
            err.println("error: --interval '" + interval + "' is not a duration such as 30s or 5m");
            return 2;
        }
        List<String> own = ownAddresses == null || ownAddresses.isEmpty() ? List.of(user) : ownAddresses;
        ImapWatcher.Account account = new ImapWatcher.Account(host, port != null ? port : noTls ? 143 : 993, !noTls,
                user, secret, xoauth2, sentFolders);
        TenantContacts contacts;
        Map<String, MailPosition> positions;
        try {
            contacts = ContactsStore.readOnce(bootstrapServers, tenant, Duration.ofSeconds(20));
            positions = ImapWatcher.readPositions(bootstrapServers, tenant, account.name(), Duration.ofSeconds(20));
        } catch (RuntimeException e) {
            err.println("error: cannot read contacts and positions from Kafka at " + bootstrapServers + " ("
                    + e.getMessage() + ")");
            return 3;
        }
        MailMapper mapper;
        try {
            mapper = new MailMapper(tenant, new java.util.LinkedHashSet<>(own), contacts,
                    new EventValidator(Clock.systemUTC()));
        } catch (IllegalArgumentException e) {
            err.println("error: --own-address: " + e.getMessage());
            return 2;
        }
        out.println("watching " + account + " for tenant " + tenant + ", own addresses " + String.join(", ", own)
                + ", " + contacts.size() + " contact addresses and domains, every " + every.toSeconds() + " s");
        positions.values().forEach(p -> out.println("  resuming " + p.getFolder() + " after UID " + p.getLastUid()
                + " (UIDVALIDITY " + p.getUidValidity() + ")"));
        Runtime.getRuntime().addShutdownHook(new Thread(this::stop));
        try (TransactionalPublisher publisher = new TransactionalPublisher(new PublisherSettings(bootstrapServers,
                "paywatch-mail-watch-" + UUID.randomUUID(), 1, "lz4", Duration.ofMillis(5), Duration.ofSeconds(30),
                Duration.ofSeconds(60), Map.of()));
             ImapWatcher watcher = new ImapWatcher(tenant, account, mapper, publisher::publish, positions,
                     Clock.systemUTC())) {
            running = watcher;
            watcher.protocolLog = protocolLog;
            do {
                try {
                    ImapWatcher.Cycle c = watcher.pollOnce();
                    List<String> parts = new ArrayList<>();
                    c.skipped().forEach((reason, n) -> parts.add(reason.code + " " + n));
                    out.println(Instant.now() + "  " + String.join(", ", c.folders()) + ": " + c.messagesRead()
                            + " new messages, " + c.eventsPublished() + " events published"
                            + (parts.isEmpty() ? "" : ", skipped: " + String.join(", ", parts))
                            + (c.foldersReread().isEmpty() ? "" : ", UIDVALIDITY changed, read again: "
                            + String.join(", ", c.foldersReread())));
                } catch (MessagingException | KafkaUnavailableException e) {
                    // The message names the server or the broker, never the secret.
                    err.println(Instant.now() + "  poll failed, retrying next time: " + e.getClass().getSimpleName()
                            + ": " + e.getMessage());
                    if (once) {
                        return 3;
                    }
                }
                if (once) {
                    break;
                }
                try {
                    // IDLE on the Inbox until new mail or the interval; the Sent folder is read at each poll.
                    watcher.awaitChange(every);
                } catch (MessagingException | RuntimeException e) {
                    if (stop.getCount() == 0) {
                        break;
                    }
                    err.println(Instant.now() + "  IDLE failed, waiting the interval: " + e.getClass().getSimpleName()
                            + ": " + e.getMessage());
                    stop.await(every.toMillis(), TimeUnit.MILLISECONDS);
                }
            } while (stop.getCount() > 0);
        }
        return 0;
    }
}
