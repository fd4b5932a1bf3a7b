package io.paywatch.producer.csv;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What earlier imports of a tenant published as paid, per invoice: the cumulative "Amount Paid" level each
 * invoice had reached, in minor units. A re-import treats each row as a snapshot of its invoice and publishes only
 * the difference from this level (see {@link RowMapper} for the event ids that make this safe).
 *
 * <p>Only invoices that were ever imported <em>partly</em> paid are kept: an invoice imported fully paid from
 * nothing always gives the same payment event ({@code :paid}), which the stream processor drops as a duplicate,
 * so it needs no memory. The file therefore holds one line per invoice with a partial payment history (a few bytes
 * each), not one per invoice of the export.
 *
 * <p>Format: UTF-8 lines {@code invoiceId<TAB>cumulativeMinor}, the id URL-encoded. It is replaced atomically,
 * and only after every transaction of an import has committed, so a failed import leaves the previous state and a
 * re-run publishes the same events (same ids, dropped downstream).
 */
public final class ImportState {

    private final Path file;
    private final Map<String, Long> levels = new HashMap<>();
    private boolean changed;

    private ImportState(Path file) {
        this.file = file;
    }

    /** An empty state that is never saved (dry runs, tests of the mapper). */
    public static ImportState inMemory() {
        return new ImportState(null);
    }

    /** Loads the state file, or an empty state when it does not exist yet. */
    public static ImportState load(Path file) throws IOException {
        ImportState state = new ImportState(file);
        if (file != null && Files.exists(file)) {
            try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
                String line;
                int n = 0;
                while ((line = in.readLine()) != null) {
                    n++;
                    if (line.isBlank() || line.startsWith("#")) {
                        continue;
                    }
                    int tab = line.indexOf('\t');
                    try {
                        state.levels.put(URLDecoder.decode(line.substring(0, tab), StandardCharsets.UTF_8),
                                Long.parseLong(line.substring(tab + 1)));
                    } catch (RuntimeException e) {
                        throw new IOException(file + " line " + n + " is not 'invoiceId<TAB>amountMinor'");
                    }
                }
            }
        }
        return state;
    }

    /** The state file, or null for an in-memory state. */
    public Path file() {
        return file;
    }

    /** Cumulative paid level of an invoice published by earlier imports (0 when none is known). */
    public long level(String invoiceId) {
        return levels.getOrDefault(invoiceId, 0L);
    }

    /** Records a new level; {@code partial} says whether it is below the invoice amount. */
    public void advance(String invoiceId, long level, boolean partial) {
        if (partial || levels.containsKey(invoiceId)) {
            levels.put(invoiceId, level);
            changed = true;
        }
    }

    /** Invoices with a partial payment history. */
    public int size() {
        return levels.size();
    }

    /** Writes the state atomically when it changed and has a file. */
    public void save() throws IOException {
        if (file == null || !changed) {
            return;
        }
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, file.getFileName().toString(), ".tmp");
        try (BufferedWriter out = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            out.write("# Paywatch CSV import state: cumulative paid per partly paid invoice (minor units)\n");
            for (Map.Entry<String, Long> e : new TreeMap<>(levels).entrySet()) {
                out.write(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "\t" + e.getValue() + "\n");
            }
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        changed = false;
    }
}
