package io.paywatch.launcher.mail;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.MimeMessage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * A real SMTP server (GreenMail) that accepts every mail for any recipient and writes each one, as it
 * arrived, to {@code <outbox>/<time>-<seq>-<subject>.eml}. Nothing leaves the machine.
 */
public final class SmtpCapture implements AutoCloseable {

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT);

    private final int port;
    private final Path outbox;
    private final Consumer<Path> onMail;
    private final AtomicInteger sequence = new AtomicInteger();
    private GreenMail greenMail;
    private ScheduledExecutorService writer;
    /** Message-IDs (or content digests) already written. */
    private final Set<String> written = new HashSet<>();

    /** {@code onMail} is told about every .eml file written. */
    public SmtpCapture(int port, Path outbox, Consumer<Path> onMail) {
        this.port = port;
        this.outbox = outbox;
        this.onMail = onMail;
    }

    public int port() {
        return port;
    }

    public Path outbox() {
        return outbox;
    }

    public void start() throws IOException {
        Files.createDirectories(outbox);
        try (Stream<Path> existing = Files.list(outbox)) {
            sequence.set((int) existing.filter(p -> p.toString().endsWith(".eml")).count());
        }
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
                // Accept any login the alert service may be configured with.
                .withConfiguration(GreenMailConfiguration.aConfig().withDisabledAuthentication());
        greenMail.start();
        writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "outbox-writer");
            t.setDaemon(true);
            return t;
        });
        writer.scheduleWithFixedDelay(this::flush, 200, 200, TimeUnit.MILLISECONDS);
    }

    /**
     * Writes every mail not written yet. GreenMail lists messages mailbox by mailbox, not in arrival order, so a
     * position in that list is no cursor: a new mail to an earlier mailbox shifts the others and an index would
     * write them again. A mail is therefore recognised by its Message-ID (one mail to two recipients is one
     * file), or by its content when it has none.
     */
    private synchronized void flush() {
        try {
            for (MimeMessage message : greenMail.getReceivedMessages()) {
                if (written.add(identity(message))) {
                    onMail.accept(write(message));
                }
            }
        } catch (Exception e) {
            System.err.println("outbox: could not write a mail: " + e);
        }
    }

    private static String identity(MimeMessage message) throws Exception {
        String id = message.getMessageID();
        if (id != null && !id.isBlank()) {
            return id;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        message.writeTo(bytes);
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes.toByteArray()));
    }

    private Path write(MimeMessage message) throws Exception {
        String subject = message.getSubject() == null ? "no-subject" : message.getSubject();
        String slug = subject.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("(^-|-$)", "");
        if (slug.length() > 60) {
            slug = slug.substring(0, 60);
        }
        String name = String.format(Locale.ROOT, "%s-%05d-%s.eml",
                FILE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)), sequence.incrementAndGet(), slug);
        Path file = outbox.resolve(name);
        Path tmp = outbox.resolve(name + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            message.writeTo(out);
        }
        // Atomic rename: readers never see half a mail.
        Files.move(tmp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return file;
    }

    @Override
    public void close() {
        if (writer != null) {
            writer.shutdown();
            flush();
        }
        if (greenMail != null) {
            greenMail.stop();
        }
    }
}
