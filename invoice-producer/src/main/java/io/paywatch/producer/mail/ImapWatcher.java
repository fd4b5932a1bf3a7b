package io.paywatch.producer.mail;

import io.paywatch.contract.MailPosition;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.schemas.Topics;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.MimeMessage;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.eclipse.angus.mail.imap.IMAPFolder;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Consumer;

/**
 * Reads new mail from an IMAP mailbox's Inbox and Sent folders, headers only, and publishes the message events
 * together with the new read position (UIDVALIDITY and last UID per folder) in one Kafka transaction. A restart reads
 * the positions back from the compacted {@code mail-positions} topic, so it neither re-reads nor misses a message; a
 * changed UIDVALIDITY makes it read that folder again from the start, which is safe because event ids derive from the
 * Message-ID. Only the headers the mapper needs are fetched ({@code BODY.PEEK[HEADER.FIELDS (...)]}): the subject,
 * the body and attachments never leave the server, and {@code PEEK} leaves the messages unread.
 *
 * <p>{@link #pollOnce} reads; {@link #awaitChange} waits for new mail in the Inbox with IMAP IDLE (or simply waits
 * when the server has no IDLE), so a new message is read within moments rather than at the next interval.
 */
public final class ImapWatcher implements AutoCloseable {

    /** The headers fetched: exactly those {@link MailMapper} reads (it threads by References here). */
    static final List<String> HEADERS = List.of("From", "To", "Cc", "Bcc", "Message-ID", "References",
            "In-Reply-To", "Date", "Auto-Submitted", "X-Autoreply", "X-Autorespond", "Precedence", "List-Id", "List-Unsubscribe",
            "Content-Type");

    /** Messages per Kafka transaction (with the position they advance to). */
    static final int BATCH = 500;

    /**
     * Where and how to connect. The secret is an app password, or an OAuth2 access token with {@code xoauth2}; it is
     * never logged and {@link #toString()} leaves it out.
     *
     * @param sentNames folder names tried when no folder carries the SPECIAL-USE {@code \Sent} attribute
     */
    public record Account(String host, int port, boolean ssl, String user, String secret, boolean xoauth2,
            List<String> sentNames) {
        /** {@code user@host}, the account's name in positions. */
        public String name() {
            return user + "@" + host;
        }

        @Override
        public String toString() {
            return "Account[" + user + "@" + host + ":" + port + (ssl ? " imaps" : " imap")
                    + (xoauth2 ? " xoauth2" : "") + "]";
        }
    }

    /** What one poll did. */
    public record Cycle(int messagesRead, int eventsPublished, Map<MailMapper.Skip, Long> skipped,
            List<String> foldersReread, List<String> folders) {
    }

    private final String tenantId;
    private final Account account;
    private final MailMapper mapper;
    private final Consumer<List<OutboundEvent>> publisher;
    private final Map<String, MailPosition> positions;
    private final Clock clock;
    private Store store;
    /** The IMAP conversation, for tests that check what crosses the wire (credentials are masked). */
    java.io.PrintStream protocolLog;

    /**
     * @param publisher publishes one list in one Kafka transaction, returning only once committed
     * @param positions the saved positions by folder name ({@link #readPositions})
     */
    public ImapWatcher(String tenantId, Account account, MailMapper mapper, Consumer<List<OutboundEvent>> publisher,
            Map<String, MailPosition> positions, Clock clock) {
        this.tenantId = tenantId;
        this.account = account;
        this.mapper = mapper;
        this.publisher = publisher;
        this.positions = new HashMap<>(positions);
        this.clock = clock;
    }

    /** Reads the Inbox and the Sent folder from their saved positions, publishing as it goes. */
    public Cycle pollOnce() throws MessagingException {
        Store s = connect();
        List<String> reread = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<MailMapper.Skip, Long> skipped = new EnumMap<>(MailMapper.Skip.class);
        int[] counts = new int[2];
        List<Folder> folders = new ArrayList<>();
        folders.add(s.getFolder("INBOX"));
        sentFolder(s).ifPresent(folders::add);
        for (Folder f : folders) {
            names.add(f.getFullName());
            read((IMAPFolder) f, counts, skipped, reread);
        }
        return new Cycle(counts[0], counts[1], Map.copyOf(skipped), List.copyOf(reread), List.copyOf(names));
    }

    private void read(IMAPFolder folder, int[] counts, Map<MailMapper.Skip, Long> skipped, List<String> reread)
            throws MessagingException {
        folder.open(Folder.READ_ONLY);
        try {
            long validity = folder.getUIDValidity();
            MailPosition saved = positions.get(folder.getFullName());
            long after = 0;
            if (saved != null && saved.getUidValidity() == validity) {
                after = saved.getLastUid();
            } else if (saved != null) {
                reread.add(folder.getFullName());
            }
            // UID FETCH n:* returns the last message even when its UID is below n: filtered below.
            Message[] messages = folder.getMessagesByUID(after + 1, UIDFolder.MAXUID);
            FetchProfile profile = new FetchProfile();
            profile.add(UIDFolder.FetchProfileItem.UID);
            profile.add(IMAPFolder.FetchProfileItem.INTERNALDATE);
            HEADERS.forEach(profile::add);
            folder.fetch(messages, profile);
            List<OutboundEvent> batch = new ArrayList<>();
            int inBatch = 0;
            long last = after;
            for (Message m : messages) {
                if (m == null) {
                    continue;
                }
                long uid = folder.getUID(m);
                if (uid <= after) {
                    continue;
                }
                counts[0]++;
                Optional<Instant> internal = Optional.ofNullable(m.getReceivedDate()).map(java.util.Date::toInstant);
                MailMapper.Result r = mapper.map((MimeMessage) m, internal);
                if (r instanceof MailMapper.Mapped mapped) {
                    batch.addAll(mapped.events());
                } else {
                    skipped.merge(((MailMapper.Skipped) r).reason(), 1L, Long::sum);
                }
                last = Math.max(last, uid);
                if (++inBatch >= BATCH) {
                    counts[1] += commit(batch, folder.getFullName(), validity, last);
                    batch = new ArrayList<>();
                    inBatch = 0;
                }
            }
            if (inBatch > 0 || saved == null || saved.getUidValidity() != validity) {
                counts[1] += commit(batch, folder.getFullName(), validity, last);
            }
        } finally {
            folder.close(false);
        }
    }

    /** Publishes the events and the position they reach in one transaction; returns how many events. */
    private int commit(List<OutboundEvent> events, String folder, long validity, long lastUid) {
        MailPosition position = MailPosition.newBuilder().setTenantId(tenantId).setAccount(account.name())
                .setFolder(folder).setUidValidity(validity).setLastUid(lastUid)
                .setUpdatedAt(Instant.ofEpochMilli(clock.millis())).build();
        List<OutboundEvent> all = new ArrayList<>(events);
        all.add(OutboundEvent.mailPosition(position));
        publisher.accept(all);
        positions.put(folder, position);
        return events.size();
    }

    /**
     * Waits until the server announces new mail in the Inbox (IMAP IDLE), or at most {@code max}. The Sent folder is
     * not watched this way: what the freelancer sends is read at the next poll.
     *
     * @return true when the server announced new mail, false when {@code max} passed (or the server has no IDLE)
     */
    public boolean awaitChange(Duration max) throws MessagingException, InterruptedException {
        org.eclipse.angus.mail.imap.IMAPStore s = (org.eclipse.angus.mail.imap.IMAPStore) connect();
        if (!s.hasCapability("IDLE")) {
            Thread.sleep(max.toMillis());
            return false;
        }
        IMAPFolder inbox = (IMAPFolder) s.getFolder("INBOX");
        inbox.open(Folder.READ_ONLY);
        java.util.concurrent.atomic.AtomicBoolean arrived = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicBoolean timedOut = new java.util.concurrent.atomic.AtomicBoolean();
        inbox.addMessageCountListener(new jakarta.mail.event.MessageCountAdapter() {
            @Override
            public void messagesAdded(jakarta.mail.event.MessageCountEvent e) {
                arrived.set(true);
            }
        });
        // A folder command from another thread ends the IDLE (the folder sends DONE first).
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(max.toMillis());
                timedOut.set(true);
                inbox.getMessageCount();
            } catch (InterruptedException | MessagingException | IllegalStateException e) {
                // ended early, or the folder was closed: nothing to wake
            }
        }, "imap-idle-timeout");
        timer.setDaemon(true);
        timer.start();
        try {
            while (!arrived.get() && !timedOut.get()) {
                inbox.idle(true);
            }
            return arrived.get();
        } finally {
            timer.interrupt();
            try {
                inbox.close(false);
            } catch (MessagingException | IllegalStateException e) {
                // closed already
            }
        }
    }

    /** The folder with the SPECIAL-USE {@code \Sent} attribute, else the first of the configured names that exists. */
    Optional<Folder> sentFolder(Store s) throws MessagingException {
        for (Folder f : s.getDefaultFolder().list("*")) {
            if (f instanceof IMAPFolder imap) {
                for (String attribute : imap.getAttributes()) {
                    if (attribute.equalsIgnoreCase("\\Sent")) {
                        return Optional.of(f);
                    }
                }
            }
        }
        for (String name : account.sentNames()) {
            Folder f = s.getFolder(name);
            if (f.exists()) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    private Store connect() throws MessagingException {
        if (store != null && store.isConnected()) {
            return store;
        }
        String protocol = account.ssl() ? "imaps" : "imap";
        Properties p = new Properties();
        p.setProperty("mail.store.protocol", protocol);
        p.setProperty("mail." + protocol + ".connectiontimeout", "15000");
        p.setProperty("mail." + protocol + ".timeout", "60000");
        p.setProperty("mail.mime.allowutf8", "true");
        if (account.ssl()) {
            p.setProperty("mail.imaps.ssl.checkserveridentity", "true");
        }
        if (account.xoauth2()) {
            p.setProperty("mail." + protocol + ".auth.mechanisms", "XOAUTH2");
        }
        Session session = Session.getInstance(p);
        if (protocolLog != null) {
            session.setDebugOut(protocolLog);
            session.setDebug(true);
        }
        Store s = session.getStore(protocol);
        s.connect(account.host(), account.port(), account.user(), account.secret());
        store = s;
        return s;
    }

    /** The saved positions of one tenant's account, by folder, reading the compacted topic once. */
    public static Map<String, MailPosition> readPositions(String bootstrapServers, String tenantId, String account,
            Duration timeout) {
        String prefix = OutboundEvent.positionKey(tenantId, account, "");
        Map<String, MailPosition> byFolder = new HashMap<>();
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        try (KafkaConsumer<String, MailPosition> c = new KafkaConsumer<>(config, new StringDeserializer(),
                Topics.MAIL_POSITIONS.valueSerde().deserializer())) {
            List<PartitionInfo> partitions = c.partitionsFor(Topics.MAIL_POSITIONS.name(), Duration.ofSeconds(5));
            if (partitions == null || partitions.isEmpty()) {
                throw new IllegalStateException("topic " + Topics.MAIL_POSITIONS.name() + " does not exist: start "
                        + "invoice-producer once (it creates the catalogue's topics)");
            }
            List<TopicPartition> tps = partitions.stream().map(x -> new TopicPartition(x.topic(), x.partition()))
                    .toList();
            c.assign(tps);
            c.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = c.endOffsets(tps, Duration.ofSeconds(10));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (tps.stream().anyMatch(tp -> c.position(tp, Duration.ofSeconds(10)) < ends.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(Topics.MAIL_POSITIONS.name() + " not read within " + timeout);
                }
                for (ConsumerRecord<String, MailPosition> r : c.poll(Duration.ofMillis(200))) {
                    if (r.key() != null && r.key().startsWith(prefix) && r.value() != null) {
                        byFolder.put(r.value().getFolder(), r.value());
                    }
                }
            }
        }
        return byFolder;
    }

    @Override
    public void close() {
        if (store != null) {
            try {
                store.close();
            } catch (MessagingException e) {
                // closing a dropped connection: nothing to do
            }
        }
    }
}
