package io.paywatch.producer.mail;

import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageSent;
import io.paywatch.producer.contacts.TenantContacts;
import io.paywatch.producer.mail.MailMapper.Mapped;
import io.paywatch.producer.mail.MailMapper.Skip;
import io.paywatch.producer.mail.MailMapper.Skipped;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.schemas.Topics;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Edge cases of the header-only mapping where an easy answer is wrong for the freelancer: a stored-later mbox or
 * IMAP date, clients only in Cc or Bcc, a client's newsletter, RFC 5322 groups, a Date with a colon in its offset.
 * Each test says why the answer is the right one; the expected values are written out here, not computed by the
 * mapper.
 */
class MailMapperEdgeCasesTest {

    static final Instant NOW = Instant.parse("2025-12-01T12:00:00Z");
    static final String ME = "me@freelancer.example";

    @TempDir
    Path dir;

    static TenantContacts contacts() {
        return TenantContacts.of(List.of(
                MailMapperTest.contacts("globex", List.of("anna@globex.example"), List.of("globex.example")),
                MailMapperTest.contacts("initech", List.of("peter@initech.example"), List.of()),
                MailMapperTest.contacts("hooli", List.of("gavin@hooli.example"), List.of())));
    }

    final MailMapper mapper = new MailMapper("acme", Set.of(ME), contacts(),
            new EventValidator(Clock.fixed(NOW, ZoneOffset.UTC)));

    static Object payload(OutboundEvent e) {
        MessageEvent env = Topics.MESSAGE_EVENTS.valueSerde().deserializer().deserialize(e.topic(), e.value());
        return env.getPayload();
    }

    MailMapper.Result map(Mail mail, Optional<Instant> envelope) throws Exception {
        return mapper.map(HeaderOnlyMessage.of(mail.headerBlock()), envelope);
    }

    /** client → expectsReply of each MessageSent, in event order. */
    static Map<String, Boolean> expectsReply(MailMapper.Result r) {
        assertThat(r).isInstanceOf(Mapped.class);
        Map<String, Boolean> out = new LinkedHashMap<>();
        for (OutboundEvent e : ((Mapped) r).events()) {
            MessageSent sent = (MessageSent) payload(e);
            assertThat(e.key()).isEqualTo("acme|" + sent.getClientId());
            out.put(sent.getClientId(), sent.getExpectsReply());
        }
        return out;
    }

    Mail fromAnna(String id, String date) {
        return Mail.message().from("anna@globex.example").to(ME).id(id).date(date);
    }

    /**
     * Wrong date, which would become false GHOSTING / wrong reply latencies: Thunderbird writes its mbox
     * "From - " separator line with the time the message was stored locally (downloaded from IMAP, or moved to an
     * archive folder), not when it was sent. A freelancer who set up Thunderbird (or archived a year of mail) on
     * 1 Dec 2025 has every message's envelope dated 1 Dec 2025. A mapper that checks the Date against the envelope both ways throws away a perfectly good Date
     * header (3 Mar 2025) because it is more than 48 h from the envelope, and dates the message 1 Dec 2025: the whole
     * history collapses onto one day (replies land before or after the messages they answer at random, latencies are
     * nonsense, and months-old sent mail opens fresh ghosting clocks). A store time *later* than the Date header is
     * normal (mail is stored after it is written); only a Date *after* the envelope, or outside the sane range, is
     * suspect. Right answer: 2025-03-03T09:00:00Z, the Date header.
     */
    @Test
    void thunderbirdMboxStoredLaterKeepsTheDateHeader() throws Exception {
        String mbox = "From - Mon Dec 01 09:00:00 2025\r\n"
                + "X-Mozilla-Status: 0001\r\nX-Mozilla-Status2: 00000000\r\n"
                + "From: Me <me@freelancer.example>\r\nTo: Anna <anna@globex.example>\r\n"
                + "Message-ID: <tb-1@freelancer.example>\r\nDate: Mon, 03 Mar 2025 10:00:00 +0100\r\n"
                + "Subject: Invoice 12\r\n\r\nbody\r\n\r\n";
        Path file = dir.resolve("Sent");
        Files.writeString(file, mbox, StandardCharsets.ISO_8859_1);
        try (MailSource source = MailSource.open(file)) {
            MailSource.Raw raw = source.next();
            assertThat(raw.envelopeDate()).contains(Instant.parse("2025-12-01T09:00:00Z"));
            Mapped m = (Mapped) mapper.map(HeaderOnlyMessage.of(raw.headerBlock()), raw.envelopeDate());
            // Not the store time (2025-12-01T09:00:00Z): the Date header.
            assertThat(m.eventTime()).isEqualTo(Instant.parse("2025-03-03T09:00:00Z"));
        }
    }

    /**
     * The same rule for IMAP INTERNALDATE (a mailbox migrated to a new provider on 1 Dec 2025 has every message's
     * INTERNALDATE on that day): an earlier Date is kept however far back. Only a Date after the envelope date by
     * more than the tolerance (48 h: a sender's clock running ahead) loses to the envelope date; within it, the
     * Date is kept.
     */
    @Test
    void onlyADateAfterTheEnvelopeDateBeyondTheToleranceIsReplacedByIt() throws Exception {
        Optional<Instant> stored = Optional.of(Instant.parse("2025-12-01T09:00:00Z"));
        assertThat(((Mapped) map(fromAnna("old@globex.example", "Fri, 15 Mar 2024 16:20:00 +0000"), stored))
                .eventTime()).isEqualTo(Instant.parse("2024-03-15T16:20:00Z"));
        // 47 h after the envelope: within the tolerance, the Date.
        Optional<Instant> earlier = Optional.of(Instant.parse("2025-11-20T09:00:00Z"));
        assertThat(((Mapped) map(fromAnna("ahead-47@globex.example", "Sat, 22 Nov 2025 08:00:00 +0000"), earlier))
                .eventTime()).isEqualTo(Instant.parse("2025-11-22T08:00:00Z"));
        // 48 h + 1 s after it: the envelope date.
        assertThat(((Mapped) map(fromAnna("ahead-48@globex.example", "Sat, 22 Nov 2025 09:00:01 +0000"), earlier))
                .eventTime()).isEqualTo(Instant.parse("2025-11-20T09:00:00Z"));
        // Before 2000 is still out of range: the envelope date.
        assertThat(((Mapped) map(fromAnna("y2k@globex.example", "Fri, 31 Dec 1999 23:00:00 +0000"), stored))
                .eventTime()).isEqualTo(stored.get());
    }

    /**
     * False alert, GHOSTING to every client in Bcc: a freelancer sends one "office closed 22 Dec - 6 Jan"
     * notice to themself with all clients in Bcc. The Sent copy keeps the Bcc header; a mapper that made a
     * reply-expecting MessageSent for every client in it reported every client who (rightly) does not answer a
     * circular GHOSTING five business days later. A Bcc recipient is by construction not in the
     * conversation, and a message to no client in To expects no reply from anyone. Right answer: no reply-expecting
     * event for Bcc recipients (expectsReply=false, or no event).
     */
    @Test
    void aBccCircularToClientsExpectsNoReplyFromThem() throws Exception {
        Mapped m = (Mapped) mapper.map(HeaderOnlyMessage.of(Mail.message().from(ME).to(ME)
                .header("Bcc", "anna@globex.example, peter@initech.example, gavin@hooli.example")
                .id("closing@freelancer.example").date("Mon, 01 Dec 2025 09:00:00 +0000").headerBlock()),
                Optional.empty());
        // Each client is on record (a MessageSent), none is awaited.
        assertThat(expectsReply(m)).containsExactly(Map.entry("globex", false), Map.entry("initech", false),
                Map.entry("hooli", false));
    }

    /**
     * False alert, GHOSTING for a client who was only copied: the freelancer writes to Anna (globex) and
     * CCs Peter of another client (initech, e.g. the agency that introduced them). Anna replies. initech gets a
     * reply-expecting MessageSent of its own, nobody at initech writes back (they were only copied), and initech is
     * reported GHOSTING five business days later. Right answer: a client only in Cc is informed, not asked; no
     * reply-expecting event for it (the thread awaits the To recipient's reply).
     */
    @Test
    void aClientOnlyInCcIsNotAwaitedForAReply() throws Exception {
        Mapped m = (Mapped) mapper.map(HeaderOnlyMessage.of(Mail.message().from(ME).to("anna@globex.example")
                .header("Cc", "peter@initech.example").id("cc-1@freelancer.example")
                .date("Mon, 01 Dec 2025 09:00:00 +0000").headerBlock()), Optional.empty());
        // globex (To) is asked; initech (only in Cc) is on record, not awaited.
        assertThat(expectsReply(m)).containsExactly(Map.entry("globex", true), Map.entry("initech", false));
    }

    /**
     * A client is asked when any of its addresses is in To, whatever else of it is in Cc or Bcc: one event per
     * client, awaited. And a message with no client in To (the freelancer writes to a third party and copies the
     * client) awaits no client.
     */
    @Test
    void aClientInToAndInCcIsAwaitedOnceAndAMessageWithNoClientInToAwaitsNobody() throws Exception {
        Map<String, Boolean> both = expectsReply(map(Mail.message().from(ME)
                .to("peter@initech.example, anna@globex.example").header("Cc", "news@globex.example")
                .header("Bcc", "anna@globex.example, gavin@hooli.example").id("both@freelancer.example")
                .date("Mon, 01 Dec 2025 09:00:00 +0000"), Optional.empty()));
        assertThat(both).containsExactly(Map.entry("initech", true), Map.entry("globex", true),
                Map.entry("hooli", false));
        Map<String, Boolean> third = expectsReply(map(Mail.message().from(ME).to("lawyer@elsewhere.example")
                .header("Cc", "anna@globex.example").id("third@freelancer.example")
                .date("Mon, 01 Dec 2025 09:00:00 +0000"), Optional.empty()));
        assertThat(third).containsExactly(Map.entry("globex", false));
    }

    /**
     * Missed alert: globex's marketing newsletter comes from news@globex.example, the freelancer saved
     * "@globex.example" as globex's domain (as the README's own example does). Mailchimp-style list mail carries
     * List-Unsubscribe / List-Id and "Precedence: list", not "bulk". Mapped as a MessageReceived
     * from globex, and by the sign-of-life rule every awaiting thread of globex stops its clock: a client who has
     * ignored three invoice mails for two weeks is never reported GHOSTING as long as its newsletter keeps coming.
     * Right answer: list mail (Precedence: list, List-Id, List-Unsubscribe) is skipped like bulk mail.
     */
    @Test
    void aClientsNewsletterIsNotASignOfLife() throws Exception {
        MailMapper.Result r = mapper.map(HeaderOnlyMessage.of(Mail.message()
                .from("Globex News <news@globex.example>").to(ME).header("Precedence", "list")
                .header("List-Id", "Globex customers <customers.globex.example>")
                .header("List-Unsubscribe", "<https://globex.example/unsub?u=1>")
                .id("nl-2025-12@globex.example").date("Mon, 01 Dec 2025 08:00:00 +0000").headerBlock()),
                Optional.empty());
        assertThat(r).isEqualTo(new Skipped(Skip.MAILING_LIST, "Precedence: list"));
    }

    /**
     * Each list header alone marks list mail (many senders set only List-Unsubscribe, RFC 8058 one-click); a
     * reply through a discussion list (the client's project list) carries References and is the client answering.
     */
    @Test
    void eachListHeaderAloneSkipsButAReplyThroughAListIsTheClientAnswering() throws Exception {
        assertThat(map(fromAnna("l1@globex.example", "Mon, 01 Dec 2025 08:00:00 +0000")
                .header("List-Unsubscribe", "<mailto:unsub@globex.example>"), Optional.empty()))
                .isEqualTo(new Skipped(Skip.MAILING_LIST, "List-Unsubscribe"));
        assertThat(map(fromAnna("l2@globex.example", "Mon, 01 Dec 2025 08:00:00 +0000")
                .header("List-Id", "<project-x.globex.example>"), Optional.empty()))
                .isEqualTo(new Skipped(Skip.MAILING_LIST, "List-Id"));
        assertThat(map(fromAnna("l3@globex.example", "Mon, 01 Dec 2025 08:00:00 +0000")
                .header("Precedence", " LIST"), Optional.empty()))
                .isEqualTo(new Skipped(Skip.MAILING_LIST, "Precedence: list"));
        MailMapper.Result reply = map(fromAnna("l4@globex.example", "Mon, 01 Dec 2025 08:00:00 +0000")
                .header("List-Id", "<project-x.globex.example>").header("Precedence", "list")
                .header("In-Reply-To", "<q1@freelancer.example>").header("References", "<q1@freelancer.example>"),
                Optional.empty());
        assertThat(reply).isInstanceOf(Mapped.class);
        assertThat(((Mapped) reply).events()).extracting(OutboundEvent::key).containsExactly("acme|globex");
        // Bulk stays an auto_reply, as before.
        assertThat(map(fromAnna("l5@globex.example", "Mon, 01 Dec 2025 08:00:00 +0000")
                .header("Precedence", "bulk").header("List-Id", "<x.globex.example>"), Optional.empty()))
                .isEqualTo(new Skipped(Skip.AUTO_REPLY, "Precedence: bulk"));
    }

    /**
     * Missed alert: a freelancer writes to a project team with an RFC 5322 group in To
     * ("Launch team: anna@globex.example, peter@initech.example;", what several mail programs write when a contact
     * group is sent with its members shown). The group's member addresses are right there in the header; a mapper
     * that keeps only the group itself (it has no '@' of its own) skips the message as no_client_recipient: no
     * MessageSent, so neither client's silence is ever watched. Right answer: the group's members are recipients;
     * MessageSent for globex and initech.
     */
    @Test
    void membersOfAnAddressGroupAreRecipients() throws Exception {
        MailMapper.Result r = mapper.map(HeaderOnlyMessage.of(Mail.message().from(ME)
                .to("Launch team: anna@globex.example, peter@initech.example;").id("grp-1@freelancer.example")
                .date("Mon, 01 Dec 2025 09:00:00 +0000").headerBlock()), Optional.empty());
        assertThat(r).isInstanceOf(Mapped.class);
        assertThat(((Mapped) r).events()).extracting(OutboundEvent::key)
                .containsExactlyInAnyOrder("acme|globex", "acme|initech");
        assertThat(expectsReply(r)).containsExactly(Map.entry("globex", true), Map.entry("initech", true));
    }

    /**
     * A group in Cc is copied like any Cc; an empty group ({@code undisclosed-recipients:;}) names nobody; a group
     * whose member list does not parse is malformed, never guessed.
     */
    @Test
    void groupsInCcEmptyGroupsAndBrokenGroups() throws Exception {
        assertThat(expectsReply(map(Mail.message().from(ME).to("gavin@hooli.example")
                .header("Cc", "Launch team: \"Anna\" <anna@globex.example>, peter@initech.example;")
                .id("grp-2@freelancer.example").date("Mon, 01 Dec 2025 09:00:00 +0000"), Optional.empty())))
                .containsExactly(Map.entry("hooli", true), Map.entry("globex", false), Map.entry("initech", false));
        assertThat(map(Mail.message().from(ME).to("undisclosed-recipients:;").header("Bcc", "anna@globex.example")
                .id("grp-3@freelancer.example").date("Mon, 01 Dec 2025 09:00:00 +0000"), Optional.empty()))
                .satisfies(r -> assertThat(expectsReply(r)).containsExactly(Map.entry("globex", false)));
        assertThat(map(Mail.message().from(ME).to("undisclosed-recipients:;")
                .id("grp-4@freelancer.example").date("Mon, 01 Dec 2025 09:00:00 +0000"), Optional.empty()))
                .isEqualTo(new Skipped(Skip.NO_CLIENT_RECIPIENT, "sent to no client's address"));
        assertThat(map(Mail.message().from(ME).to("Team: \"Anna <anna@globex.example>;")
                .id("grp-5@freelancer.example").date("Mon, 01 Dec 2025 09:00:00 +0000"), Optional.empty()))
                .isInstanceOfSatisfying(Skipped.class, sk -> assertThat(sk.reason()).isEqualTo(Skip.MALFORMED));
        // A group in From names no single author: no sender, not its first member.
        assertThat(map(Mail.message().from("Globex team: anna@globex.example;").to(ME)
                .id("grp-6@globex.example").date("Mon, 01 Dec 2025 09:00:00 +0000"), Optional.empty()))
                .isEqualTo(new Skipped(Skip.NO_SENDER, "no From address"));
    }

    /**
     * Wrong time, one hour: a Date header written with a colon in its offset ("+01:00", as some web mailers
     * and scripts write it) must not be read as if the offset were not there (Jakarta Mail's lenient parser does:
     * 09:00 +01:00 becomes 09:00Z instead of 08:00Z).
     * Read leniently it must either honour the offset or be refused (then the envelope date or bad_date), never
     * shifted silently: the mapper checks the other date fields strictly. Right answer: 2025-12-01T08:00:00Z.
     */
    @Test
    void aColonOffsetIsNotSilentlyDropped() throws Exception {
        MailMapper.Result r = mapper.map(HeaderOnlyMessage.of(Mail.message().from("anna@globex.example").to(ME)
                .id("colon-1@globex.example").date("Mon, 1 Dec 2025 09:00:00 +01:00").headerBlock()),
                Optional.empty());
        assertThat(r).isInstanceOf(Mapped.class);
        assertThat(((Mapped) r).eventTime()).isEqualTo(Instant.parse("2025-12-01T08:00:00Z"));
    }

    /**
     * Every zone is either read right or refused, never read as UTC by default: numeric offsets with and without a
     * colon, a comment after the zone, the RFC 822 names; a zone name Jakarta Mail does not know (CET, GMT+1), a
     * one- or two-digit offset, an offset beyond 18 h, or no zone at all is refused: the envelope date when there
     * is one (within its tolerance), else bad_date.
     */
    @Test
    void everyZoneIsReadRightOrRefusedNeverAssumedUtc() throws Exception {
        Map<String, String> read = new LinkedHashMap<>();
        read.put("Mon, 1 Dec 2025 09:00:00 -05:30", "2025-12-01T14:30:00Z");
        read.put("Mon, 1 Dec 2025 09:00:00 +0100 (CET)", "2025-12-01T08:00:00Z");
        read.put("Mon, 1 Dec 2025 09:00:00 +01:00 (CET)", "2025-12-01T08:00:00Z");
        read.put("1 Dec 2025 09:00 +0100", "2025-12-01T08:00:00Z");
        read.put("Mon,\r\n 1 Dec 2025 09:00:00\r\n +01:00", "2025-12-01T08:00:00Z");
        read.put("Mon, 1 Dec 2025 09:00:00 GMT", "2025-12-01T09:00:00Z");
        read.put("Mon, 1 Dec 2025 09:00:00 UT", "2025-12-01T09:00:00Z");
        read.put("Mon, 1 Dec 2025 09:00:00 -0000", "2025-12-01T09:00:00Z");
        read.put("Mon, 1 Dec 2025 04:00:00 EST", "2025-12-01T09:00:00Z");
        read.put("Mon, 1 Dec 2025 01:00:00 PST", "2025-12-01T09:00:00Z");
        int i = 0;
        for (Map.Entry<String, String> c : read.entrySet()) {
            MailMapper.Result r = map(fromAnna("z" + i++ + "@globex.example", c.getKey()), Optional.empty());
            assertThat(r).as(c.getKey()).isInstanceOf(Mapped.class);
            assertThat(((Mapped) r).eventTime()).as(c.getKey()).isEqualTo(Instant.parse(c.getValue()));
        }
        Instant envelope = Instant.parse("2025-12-01T10:30:00Z");
        for (String refused : List.of("Mon, 1 Dec 2025 09:00:00", "Mon, 1 Dec 2025 09:00:00 CET",
                "Mon, 1 Dec 2025 09:00:00 GMT+1", "Mon, 1 Dec 2025 09:00:00 +1", "Mon, 1 Dec 2025 09:00:00 +01",
                "Mon, 1 Dec 2025 09:00:00 +2500", "Mon, 1 Dec 2025 09:00:00 +01:75")) {
            assertThat(map(fromAnna("r" + i++ + "@globex.example", refused), Optional.empty()))
                    .as(refused).isInstanceOfSatisfying(Skipped.class,
                            sk -> assertThat(sk.reason()).isEqualTo(Skip.BAD_DATE));
            assertThat(((Mapped) map(fromAnna("r" + i++ + "@globex.example", refused), Optional.of(envelope)))
                    .eventTime()).as(refused).isEqualTo(envelope);
        }
    }
}
