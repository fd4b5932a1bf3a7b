package io.paywatch.producer.mail;

import io.paywatch.contract.SourceSystem;
import io.paywatch.producer.api.EventJson;
import io.paywatch.producer.api.EventJson.EventType;
import io.paywatch.producer.contacts.ContactEntry;
import io.paywatch.producer.contacts.TenantContacts;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.validation.EventValidator;
import jakarta.mail.Address;
import jakarta.mail.MessagingException;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns one mail message into {@code MessageSent} / {@code MessageReceived} events, or into a counted reason to
 * skip it, from its <b>headers only</b>. It reads {@code From}, {@code To}, {@code Cc}, {@code Bcc},
 * {@code Message-ID}, {@code References}, {@code In-Reply-To}, {@code X-GM-THRID}, {@code Date} and the headers
 * that mark automatic and list mail ({@code Auto-Submitted}, {@code X-Autoreply}, {@code X-Autorespond},
 * {@code Precedence}, {@code List-Id}, {@code List-Unsubscribe}, {@code Content-Type: multipart/report}). It never reads the subject, the body or an
 * attachment, and the events carry none of them.
 *
 * <p>The events go through the same {@link EventValidator} as {@code POST /v1/events}, so they are exactly the
 * records the JSON API would build for the same fields. Pure: no I/O, the clock is the validator's.
 */
public final class MailMapper {

    /**
     * How far the {@code Date} header may be <b>after</b> the envelope (internal) date before the latter is used. A
     * Date before the envelope date is normal and kept however far: the envelope date is when the message was
     * stored (a Thunderbird {@code From - } line, IMAP INTERNALDATE of a migrated mailbox), often long after it
     * was written.
     */
    public static final Duration DATE_TOLERANCE = Duration.ofHours(48);

    /** Why a message publishes nothing. {@link #code} is the counted, printed label. */
    public enum Skip {
        /** The headers could not be parsed at all. */
        MALFORMED("malformed"),
        /** No Message-ID: nothing to derive an idempotent event id from. */
        NO_MESSAGE_ID("no_message_id"),
        /** No parseable From address. */
        NO_SENDER("no_sender"),
        /** Neither a sane Date header nor an envelope date. */
        BAD_DATE("bad_date"),
        /** Auto-Submitted, X-Autoreply/X-Autorespond or Precedence bulk/auto_reply/junk: an out-of-office or robot. */
        AUTO_REPLY("auto_reply"),
        /** Precedence: list, List-Id or List-Unsubscribe, not a reply: a newsletter or mailing-list post. */
        MAILING_LIST("mailing_list"),
        /** multipart/report: a bounce (delivery status notification) or a read receipt. */
        DELIVERY_REPORT("delivery_report"),
        /** From is neither the tenant's own address nor any client's contact: never guessed. */
        UNKNOWN_SENDER("unknown_sender"),
        /** Sent by the tenant, but to no address of any client. */
        NO_CLIENT_RECIPIENT("no_client_recipient"),
        /** The event the headers give failed the API's validation (reason in the detail). */
        INVALID("invalid");

        public final String code;

        Skip(String code) {
            this.code = code;
        }
    }

    /** The outcome for one message: events to publish, or why there are none. */
    public sealed interface Result permits Mapped, Skipped {
    }

    /**
     * Events of one message (one per client it concerns), the same JSON the API takes and the records built from it.
     *
     * @param eventTime the time every event of the message carries
     */
    public record Mapped(List<EventJson> json, List<OutboundEvent> events, Instant eventTime) implements Result {
    }

    /** No events, and why; {@code detail} never holds a subject or body text. */
    public record Skipped(Skip reason, String detail) implements Result {
    }

    private static final Pattern MSG_ID = Pattern.compile("<([^<>\\s]+)>");
    private static final Pattern GM_THRID = Pattern.compile("[0-9]{1,24}");
    private static final Set<String> AUTO_PRECEDENCE = Set.of("bulk", "auto_reply", "junk");
    /** A comment in a header, {@code (CET)}: not nested, as mail programs write them after a Date's zone. */
    private static final Pattern COMMENT = Pattern.compile("\\([^()]*\\)");
    /** A Date: everything up to its time of day, then the zone as the last token. */
    private static final Pattern DATE_AND_ZONE = Pattern.compile("(.*\\d:\\d{2}(?::\\d{2})?) (\\S+)");
    /** {@code +0100}, or {@code +01:00} as some web mailers and scripts write it. */
    private static final Pattern NUMERIC_ZONE = Pattern.compile("([+-])(\\d{2}):?(\\d{2})");
    /** The zone names RFC 5322 (obsolete syntax) defines and Jakarta Mail reads right, plus UTC and Z. */
    private static final Set<String> NAMED_ZONES = Set.of("UT", "UTC", "GMT", "Z", "EST", "EDT", "CST", "CDT", "MST",
            "MDT", "PST", "PDT");

    private final Threads threads;
    private final String tenantId;
    private final Set<String> ownAddresses;
    private final TenantContacts contacts;
    private final EventValidator validator;
    private final EventValidator.Context context;

    /**
     * @param ownAddresses the tenant's own mail addresses (any case); mail from them is sent, mail to them received
     */
    public MailMapper(String tenantId, Set<String> ownAddresses, TenantContacts contacts, EventValidator validator) {
        this(tenantId, ownAddresses, contacts, validator, Threads.REFERENCES);
    }

    /** How threads are told apart. */
    public enum Threads {
        /**
         * The root of {@code References}, else {@code In-Reply-To}, else the message's own Message-ID: what every
         * mail program writes, and the same for an import and the IMAP watcher (the default).
         */
        REFERENCES,
        /**
         * Gmail's {@code X-GM-THRID} header when present (a Gmail Takeout export carries it on every message), else
         * as {@link #REFERENCES}. Gmail splits a thread whose subject changed. Use it for a Gmail history that live
         * mail will not be added to: the IMAP watcher threads by References, so the two would not share threads.
         */
        GMAIL
    }

    /** A mapper with the given thread rule. */
    public MailMapper(String tenantId, Set<String> ownAddresses, TenantContacts contacts, EventValidator validator,
            Threads threads) {
        this.threads = threads;
        this.tenantId = tenantId;
        Set<String> own = new LinkedHashSet<>();
        for (String a : ownAddresses) {
            ContactEntry e = ContactEntry.parse(a);
            if (e.domain()) {
                throw new IllegalArgumentException("an own address must be an address, not a domain: " + a);
            }
            own.add(e.value());
        }
        this.ownAddresses = Set.copyOf(own);
        this.contacts = contacts;
        this.validator = validator;
        this.context = new EventValidator.Context(tenantId, 0, SourceSystem.MAIL, ZoneOffset.UTC);
    }

    /**
     * Maps one message.
     *
     * @param envelopeDate the server's internal date (IMAP INTERNALDATE, the mbox {@code From } line), when known
     */
    public Result map(MimeMessage message, Optional<Instant> envelopeDate) {
        try {
            return mapHeaders(message, envelopeDate);
        } catch (MessagingException | RuntimeException e) {
            // A header Jakarta Mail cannot parse (an address list with unbalanced quotes...). The exception text can
            // quote the header, which may hold a name: report its kind only.
            return new Skipped(Skip.MALFORMED, e.getClass().getSimpleName());
        }
    }

    private Result mapHeaders(MimeMessage m, Optional<Instant> envelopeDate) throws MessagingException {
        Optional<String> messageId = firstId(m.getHeader("Message-ID", null));
        if (messageId.isEmpty()) {
            return new Skipped(Skip.NO_MESSAGE_ID, "no Message-ID header");
        }
        Skipped automatic = automatic(m);
        if (automatic != null) {
            return automatic;
        }
        String from = firstAddress(m.getHeader("From", ","));
        if (from == null) {
            return new Skipped(Skip.NO_SENDER, "no From address");
        }
        Instant time = eventTime(m, envelopeDate);
        if (time == null) {
            return new Skipped(Skip.BAD_DATE, "no Date header within range and no envelope date");
        }
        String threadId = threadId(m, messageId.get(), threads);
        List<EventJson> json = new ArrayList<>();
        if (ownAddresses.contains(from)) {
            // Each client once, in the order first seen in To, Cc, Bcc; a reply is awaited only from a client in To.
            // A client only in Cc is informed, not asked, and one only in Bcc (a circular) is not in the
            // conversation at all: their MessageSent carries expectsReply=false (on record, no reply awaited).
            Map<String, Boolean> clients = new LinkedHashMap<>();
            for (String header : List.of("To", "Cc", "Bcc")) {
                boolean asked = header.equals("To");
                for (String to : recipients(m.getHeader(header, ","))) {
                    contacts.clientOf(to).ifPresent(c -> clients.merge(c, asked, Boolean::logicalOr));
                }
            }
            if (clients.isEmpty()) {
                return new Skipped(Skip.NO_CLIENT_RECIPIENT, "sent to no client's address");
            }
            for (Map.Entry<String, Boolean> client : clients.entrySet()) {
                json.add(EventJson.builder(EventType.MessageSent)
                        .eventId(eventId("sent", messageId.get(), client.getKey())).clientId(client.getKey())
                        .threadId(threadId).sentAt(time.toString()).channel("EMAIL").expectsReply(client.getValue())
                        .build());
            }
        } else {
            Optional<String> client = contacts.clientOf(from);
            if (client.isEmpty()) {
                return new Skipped(Skip.UNKNOWN_SENDER, "sender is neither an own address nor a contact");
            }
            json.add(EventJson.builder(EventType.MessageReceived)
                    .eventId(eventId("received", messageId.get(), client.get())).clientId(client.get())
                    .threadId(threadId).receivedAt(time.toString()).channel("EMAIL").build());
        }
        List<OutboundEvent> events = new ArrayList<>(json.size());
        for (EventJson e : json) {
            EventValidator.Checked checked = validator.validate(e, "", context);
            if (!checked.valid()) {
                var v = checked.violations().get(0);
                return new Skipped(Skip.INVALID, v.field() + ": " + v.reason());
            }
            events.add(checked.event());
        }
        return new Mapped(List.copyOf(json), List.copyOf(events), time);
    }

    /** A reason when the message is automatic (auto-reply, bulk, bounce), else null. */
    static Skipped automatic(MimeMessage m) throws MessagingException {
        String autoSubmitted = first(m, "Auto-Submitted");
        if (autoSubmitted != null) {
            String kind = autoSubmitted.split("[;(]", 2)[0].strip().toLowerCase(Locale.ROOT);
            if (!kind.equals("no")) {
                return new Skipped(Skip.AUTO_REPLY, "Auto-Submitted: " + kind);
            }
        }
        if (first(m, "X-Autoreply") != null) {
            return new Skipped(Skip.AUTO_REPLY, "X-Autoreply");
        }
        if (first(m, "X-Autorespond") != null) {
            return new Skipped(Skip.AUTO_REPLY, "X-Autorespond");
        }
        String precedence = first(m, "Precedence");
        if (precedence != null && AUTO_PRECEDENCE.contains(precedence.strip().toLowerCase(Locale.ROOT))) {
            return new Skipped(Skip.AUTO_REPLY, "Precedence: " + precedence.strip().toLowerCase(Locale.ROOT));
        }
        Skipped list = mailingList(m, precedence);
        if (list != null) {
            return list;
        }
        String contentType = first(m, "Content-Type");
        if (contentType != null && contentType.strip().toLowerCase(Locale.ROOT).startsWith("multipart/report")) {
            return new Skipped(Skip.DELIVERY_REPORT, "Content-Type: multipart/report");
        }
        return null;
    }

    /**
     * A reason when the message is list mail (a newsletter, a mailing list), else null: {@code Precedence: list},
     * {@code List-Id} or {@code List-Unsubscribe}. A client's newsletter is not the client answering. A reply
     * through a discussion list ({@code In-Reply-To} or {@code References} present) is a person answering in a
     * thread and is not skipped.
     */
    private static Skipped mailingList(MimeMessage m, String precedence) throws MessagingException {
        String marker = null;
        if (precedence != null && precedence.strip().equalsIgnoreCase("list")) {
            marker = "Precedence: list";
        } else if (first(m, "List-Id") != null) {
            marker = "List-Id";
        } else if (first(m, "List-Unsubscribe") != null) {
            marker = "List-Unsubscribe";
        }
        if (marker == null || first(m, "In-Reply-To") != null || first(m, "References") != null) {
            return null;
        }
        return new Skipped(Skip.MAILING_LIST, marker);
    }

    /**
     * The thread: with {@link Threads#GMAIL}, Gmail's {@code X-GM-THRID} when present; otherwise the root of
     * {@code References} (its first id), else the first id of {@code In-Reply-To}, else the message's own
     * Message-ID (it starts a thread). A reply whose subject was edited keeps its References, so it stays in its
     * thread. Ids are hashed to a fixed length, so a long or odd Message-ID is never refused.
     */
    static String threadId(MimeMessage m, String messageId, Threads threads) throws MessagingException {
        String gm = threads == Threads.GMAIL ? first(m, "X-GM-THRID") : null;
        if (gm != null && GM_THRID.matcher(gm.strip()).matches()) {
            return "gmail:" + gm.strip();
        }
        String root = firstId(m.getHeader("References", " ")).or(() -> {
            try {
                return firstId(m.getHeader("In-Reply-To", " "));
            } catch (MessagingException e) {
                return Optional.empty();
            }
        }).orElse(messageId);
        return "mail:" + sha256(root).substring(0, 32);
    }

    /**
     * The event time: the {@code Date} header when it parses with a readable zone (see {@link #parseDate}), is
     * within the API's range (2000-01-01 to a day ahead of the clock) and, when the envelope date is known, is not
     * more than {@link #DATE_TOLERANCE} after it (a Date before the envelope date is normal: mail is stored after it
     * is written); otherwise the envelope date (a sender's clock running ahead, a forged or missing Date); null when
     * there is neither.
     */
    Instant eventTime(MimeMessage m, Optional<Instant> envelopeDate) throws MessagingException {
        // The Date header itself, parsed here: MimeMessage subclasses may answer getSentDate() from elsewhere (an
        // IMAP message fetches its ENVELOPE for it, which carries the subject).
        Instant date = parseDate(m.getHeader("Date", null));
        Instant now = validator.now();
        boolean sane = date != null && !date.isBefore(EventValidator.EARLIEST)
                && !date.isAfter(now.plus(EventValidator.FUTURE_SKEW));
        // Only a Date after the envelope date is suspect (a sender's clock running ahead): the envelope date is when
        // the message was stored, which is after it was written, often long after (an archive, a migration).
        if (sane && envelopeDate.isPresent() && date.isAfter(envelopeDate.get().plus(DATE_TOLERANCE))) {
            sane = false;
        }
        if (sane) {
            return date;
        }
        if (envelopeDate.isPresent() && !envelopeDate.get().isBefore(EventValidator.EARLIEST)
                && !envelopeDate.get().isAfter(now.plus(EventValidator.FUTURE_SKEW))) {
            return envelopeDate.get();
        }
        return null;
    }

    /**
     * A {@code Date} header's instant, or null when it does not parse or its zone cannot be read. Jakarta Mail's
     * lenient parser reads a zone it does not know ({@code +01:00}, {@code CET}, {@code GMT+1}, none at all) as UTC,
     * which silently shifts the time; so the zone is checked here first. Accepted: {@code +hhmm}/{@code -hhmm} (up to
     * 18 hours), the same with a colon ({@code +01:00}, read as {@code +0100}), and {@code UT}, {@code UTC},
     * {@code GMT}, {@code Z} and the RFC 822 US zones ({@code EST} ... {@code PDT}). A trailing comment
     * ({@code (CET)}) is ignored.
     */
    static Instant parseDate(String header) {
        if (header == null) {
            return null;
        }
        String text = COMMENT.matcher(header.replaceAll("\\r?\\n", " ")).replaceAll(" ")
                .replaceAll("\\s+", " ").strip();
        Matcher dm = DATE_AND_ZONE.matcher(text);
        if (!dm.matches()) {
            return null;
        }
        String zone = dm.group(2);
        Matcher offset = NUMERIC_ZONE.matcher(zone);
        if (offset.matches()) {
            if (Integer.parseInt(offset.group(2)) > 18 || Integer.parseInt(offset.group(3)) > 59) {
                return null;
            }
            zone = offset.group(1) + offset.group(2) + offset.group(3);
        } else if (!NAMED_ZONES.contains(zone.toUpperCase(Locale.ROOT))) {
            return null;
        }
        try {
            java.util.Date d = new jakarta.mail.internet.MailDateFormat().parse(dm.group(1) + " " + zone);
            return d == null ? null : d.toInstant();
        } catch (java.text.ParseException | RuntimeException e) {
            return null;
        }
    }

    /**
     * {@code mail:<sent|received>:<sha-256 of tenant, Message-ID and client>}: the same message imported twice, or
     * imported and later seen by a watcher, gets the same id, so the stream processor counts it once.
     */
    String eventId(String direction, String messageId, String clientId) {
        return "mail:" + direction + ":" + sha256(tenantId + "\n" + messageId + "\n" + clientId);
    }

    private static String first(MimeMessage m, String name) throws MessagingException {
        String[] values = m.getHeader(name);
        return values == null || values.length == 0 ? null : values[0];
    }

    /** The first {@code <id>} of a header value, without the angle brackets. */
    static Optional<String> firstId(String header) {
        if (header == null) {
            return Optional.empty();
        }
        Matcher matcher = MSG_ID.matcher(header);
        return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
    }

    private static String firstAddress(String header) throws MessagingException {
        List<String> all = addresses(header);
        return all.isEmpty() ? null : all.get(0);
    }

    /**
     * The addresses of an address-list header, lower case; display names (RFC 2047 or UTF-8) are not kept. The
     * syntax is checked strictly: a list that does not parse (an unterminated quote...) makes the message
     * malformed rather than have an address guessed out of it. An RFC 5322 group ({@code Team: a@x, b@y;}) is not
     * an address of its own and is left out: see {@link #recipients} for the recipient headers.
     */
    static List<String> addresses(String header) throws MessagingException {
        return addresses(header, false);
    }

    /**
     * The addresses of a recipient header (To, Cc, Bcc): as {@link #addresses}, and the members of an RFC 5322
     * group ({@code Launch team: anna@globex.example, peter@initech.example;}) are recipients like any other.
     */
    static List<String> recipients(String header) throws MessagingException {
        return addresses(header, true);
    }

    private static List<String> addresses(String header, boolean groupMembers) throws MessagingException {
        if (header == null || header.isBlank()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Address a : InternetAddress.parseHeader(header, true)) {
            if (!(a instanceof InternetAddress ia)) {
                continue;
            }
            if (ia.isGroup()) {
                if (groupMembers) {
                    for (InternetAddress member : ia.getGroup(true)) {
                        add(out, member);
                    }
                }
            } else {
                add(out, ia);
            }
        }
        return out;
    }

    private static void add(List<String> out, InternetAddress ia) {
        if (ia.getAddress() != null && ia.getAddress().indexOf('@') > 0) {
            out.add(ia.getAddress().strip().toLowerCase(Locale.ROOT));
        }
    }

    static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
