package io.paywatch.producer.mail;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * Streams the messages of an mbox file or of {@code .eml} files, one header block at a time. Only the bytes up to
 * a message's first empty line are kept; the body is read past (an mbox) or not read at all (an .eml), so memory
 * stays bounded by the largest header block ({@value #MAX_HEADER_BYTES} bytes at most) whatever the mailbox size.
 */
public abstract class MailSource implements Closeable {

    /** Largest header block kept; a longer one is cut here and the message reported as oversized. */
    public static final int MAX_HEADER_BYTES = 256 * 1024;

    /**
     * One message as the importer sees it.
     *
     * @param where        where it is, for the report ("message 12 (line 3456)", "2024/a.eml")
     * @param headerBlock  the header bytes, ending with the empty line
     * @param envelopeDate the mbox {@code From } line's date, when it parses
     * @param oversized    the header block was longer than {@link #MAX_HEADER_BYTES}
     */
    public record Raw(String where, byte[] headerBlock, Optional<Instant> envelopeDate, boolean oversized) {
    }

    /** The next message, or null at the end. */
    public abstract Raw next() throws IOException;

    /** Bytes read so far, for the progress bar. */
    public abstract long position();

    /** Bytes in all, for the progress bar. */
    public abstract long size();

    /** An mbox file, a single .eml file, or a folder whose {@code .eml} files are read (recursively, in name order). */
    public static MailSource open(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            List<Path> files;
            try (Stream<Path> walk = Files.walk(path)) {
                files = walk.filter(p -> Files.isRegularFile(p)
                        && p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".eml")).sorted().toList();
            }
            return new EmlFiles(path, files);
        }
        if (path.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".eml")) {
            return new EmlFiles(path.getParent() == null ? Path.of(".") : path.getParent(), List.of(path));
        }
        return new Mbox(path);
    }

    /** An mbox (mboxo or mboxrd, as Gmail Takeout and Thunderbird write it): a line starting "From " starts a message. */
    static final class Mbox extends MailSource {
        private final InputStream in;
        private final long size;
        private long position;
        private long line;
        private int count;
        private byte[] pendingFromLine;
        private long pendingFromLineNumber;
        private final byte[] buffer = new byte[8192];

        Mbox(Path file) throws IOException {
            this.size = Files.size(file);
            this.in = new BufferedInputStream(Files.newInputStream(file), 64 * 1024);
            byte[] first = readLine(1024);
            if (first == null) {
                pendingFromLine = null;
                return;
            }
            if (!startsWithFrom(first)) {
                in.close();
                throw new IllegalArgumentException(file + " is not an mbox file: its first line does not start with "
                        + "'From ' (for .eml files, pass the file or its folder)");
            }
            pendingFromLine = first;
            pendingFromLineNumber = line;
        }

        @Override
        public Raw next() throws IOException {
            if (pendingFromLine == null) {
                return null;
            }
            count++;
            String where = "message " + count + " (line " + pendingFromLineNumber + ")";
            Optional<Instant> envelope = envelopeDate(new String(pendingFromLine, StandardCharsets.ISO_8859_1));
            pendingFromLine = null;
            ByteArrayOutputStream headers = new ByteArrayOutputStream(2048);
            boolean oversized = false;
            boolean inHeaders = true;
            while (true) {
                byte[] l = readLine(inHeaders ? MAX_HEADER_BYTES : 16);
                if (l == null) {
                    break;
                }
                if (startsWithFrom(l)) {
                    pendingFromLine = l;
                    pendingFromLineNumber = line;
                    break;
                }
                if (inHeaders) {
                    boolean empty = l.length == 0 || (l.length == 1 && l[0] == '\r');
                    if (headers.size() + l.length + 2 > MAX_HEADER_BYTES) {
                        oversized = true;
                    } else {
                        headers.write(l, 0, l.length);
                        headers.write('\n');
                    }
                    if (empty) {
                        inHeaders = false; // the body follows: read past it, keep nothing
                    }
                }
            }
            return new Raw(where, headers.toByteArray(), envelope, oversized);
        }

        private static boolean startsWithFrom(byte[] l) {
            return l.length >= 5 && l[0] == 'F' && l[1] == 'r' && l[2] == 'o' && l[3] == 'm' && l[4] == ' ';
        }

        /**
         * One line without its LF; at most {@code keep} bytes are kept (the rest of a longer line is read past),
         * except that a line starting "From " is always kept up to 1,024 bytes. Null at the end of the file.
         */
        private byte[] readLine(int keep) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(keep, 256));
            int kept = 0;
            int cap = keep;
            boolean any = false;
            int b;
            while ((b = in.read()) != -1) {
                position++;
                any = true;
                if (b == '\n') {
                    break;
                }
                if (kept == 5 && cap < 1024 && isFromPrefix(out)) {
                    cap = 1024;
                }
                if (kept < cap) {
                    out.write(b);
                    kept++;
                }
            }
            if (!any) {
                return null;
            }
            line++;
            return out.toByteArray();
        }

        private static boolean isFromPrefix(ByteArrayOutputStream out) {
            byte[] b = out.toByteArray();
            return b.length == 5 && startsWithFrom(b);
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** .eml files: each file's header block is read, the body never is. */
    static final class EmlFiles extends MailSource {
        private final Path root;
        private final Iterator<Path> files;
        private final long size;
        private long position;

        EmlFiles(Path root, List<Path> files) throws IOException {
            this.root = root;
            this.files = files.iterator();
            long total = 0;
            for (Path p : files) {
                total += Files.size(p);
            }
            this.size = total;
        }

        @Override
        public Raw next() throws IOException {
            if (!files.hasNext()) {
                return null;
            }
            Path file = files.next();
            ByteArrayOutputStream headers = new ByteArrayOutputStream(2048);
            boolean oversized = false;
            try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 8192)) {
                int b;
                boolean lineEmpty = true;
                while ((b = in.read()) != -1) {
                    if (headers.size() >= MAX_HEADER_BYTES) {
                        oversized = true;
                        break;
                    }
                    headers.write(b);
                    if (b == '\n') {
                        if (lineEmpty) {
                            break; // the empty line: the body follows and is not read
                        }
                        lineEmpty = true;
                    } else if (b != '\r') {
                        lineEmpty = false;
                    }
                }
            }
            position += Files.size(file);
            String where = root.relativize(file).toString();
            return new Raw(where.isEmpty() ? file.getFileName().toString() : where, headers.toByteArray(),
                    Optional.empty(), oversized);
        }

        @Override
        public long position() {
            return position;
        }

        @Override
        public long size() {
            return size;
        }

        @Override
        public void close() {
        }
    }

    private static final DateTimeFormatter ASCTIME = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.ROOT);
    private static final DateTimeFormatter WITH_ZONE = DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss Z yyyy",
            Locale.ROOT);

    /**
     * The date of an mbox {@code From } line: {@code From sender Tue Jun  3 10:00:00 2025} (asctime, read as UTC)
     * or Gmail's {@code From 1790…@xxx Tue Jun 03 10:00:00 +0000 2025}. Empty when it does not parse.
     */
    static Optional<Instant> envelopeDate(String fromLine) {
        String[] parts = fromLine.strip().split("\\s+");
        if (parts.length < 7) {
            return Optional.empty();
        }
        String rest = String.join(" ", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        try {
            return Optional.of(ZonedDateTime.parse(rest, WITH_ZONE).toInstant());
        } catch (DateTimeParseException e) {
            try {
                return Optional.of(LocalDateTime.parse(rest, ASCTIME).toInstant(ZoneOffset.UTC));
            } catch (DateTimeParseException e2) {
                return Optional.empty();
            }
        }
    }
}
