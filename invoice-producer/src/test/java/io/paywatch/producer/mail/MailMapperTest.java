package io.paywatch.producer.mail;

import io.paywatch.contract.Channel;
import io.paywatch.contract.ClientContacts;
import io.paywatch.contract.MessageEvent;
import io.paywatch.contract.MessageReceived;
import io.paywatch.contract.MessageSent;
import io.paywatch.contract.SourceSystem;
import io.paywatch.producer.contacts.TenantContacts;
import io.paywatch.producer.mail.MailMapper.Mapped;
import io.paywatch.producer.mail.MailMapper.Skip;
import io.paywatch.producer.mail.MailMapper.Skipped;
import io.paywatch.producer.publish.OutboundEvent;
import io.paywatch.producer.validation.EventValidator;
import io.paywatch.schemas.Topics;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The header-only mapping, message by message, against ids and threads computed here independently. */
class MailMapperTest {

    static final Instant NOW = Instant.parse("2025-06-02T12:00:00Z");
    static final String ME = "me@freelancer.example";

    static TenantContacts contacts() {
        return TenantContacts.of(List.of(
                contacts("globex", List.of("anna@globex.example"), List.of("globex.example")),
                contacts("initech", List.of("peter@initech.example", "zoe@initech.example"), List.of())));
    }

    static ClientContacts contacts(String client, List<String> addresses, List<String> domains) {
        return ClientContacts.newBuilder().setTenantId("acme").setClientId(client).setAddresses(addresses)
                .setDomains(domains).setUpdatedAt(NOW).build();
    }

    final MailMapper mapper = new MailMapper("acme", Set.of("Me@Freelancer.example"), contacts(),
            new EventValidator(Clock.fixed(NOW, ZoneOffset.UTC)));

    MailMapper.Result map(Mail mail) throws MessagingException {
        return mapper.map(HeaderOnlyMessage.of(mail.headerBlock()), Optional.empty());
    }

    static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    static String thread(String rootId) throws Exception {
        return "mail:" + sha256(rootId).substring(0, 32);
    }

    static Object payload(OutboundEvent e) {
        MessageEvent env = Topics.MESSAGE_EVENTS.valueSerde().deserializer().deserialize(e.topic(), e.value());
        return env.getPayload();
    }

    @Test
    void mailFromTheTenantToAClientIsMessageSentWithIdsDerivedFromMessageIdAndDirection() throws Exception {
        MailMapper.Result r = map(Mail.message().from("Me <me@freelancer.example>").to("Anna <anna@globex.example>")
                .id("root-1@freelancer.example").date("Mon, 02 Jun 2025 09:15:00 +0200").subject("Invoice 7"));
        assertThat(r).isInstanceOf(Mapped.class);
        Mapped m = (Mapped) r;
        assertThat(m.events()).hasSize(1);
        OutboundEvent out = m.events().get(0);
        assertThat(out.topic()).isEqualTo("message-events");
        assertThat(out.key()).isEqualTo("acme|globex");
        assertThat(out.eventId()).isEqualTo("mail:sent:" + sha256("acme\nroot-1@freelancer.example\nglobex"));
        MessageSent sent = (MessageSent) payload(out);
        assertThat(sent.getEventId()).isEqualTo(out.eventId());
        assertThat(sent.getTenantId()).isEqualTo("acme");
        assertThat(sent.getClientId()).isEqualTo("globex");
        assertThat(sent.getThreadId()).isEqualTo(thread("root-1@freelancer.example"));
        assertThat(sent.getSentAt()).isEqualTo(Instant.parse("2025-06-02T07:15:00Z"));
        assertThat(sent.getChannel()).isEqualTo(Channel.EMAIL);
        assertThat(sent.getSource()).isEqualTo(SourceSystem.MAIL);
        assertThat(sent.getExpectsReply()).isTrue();
    }

    @Test
    void aReplyThroughAReferencesChainJoinsTheRootsThreadAndItsDirectionChangesTheId() throws Exception {
        String root = "root-2@freelancer.example";
        Mapped reply = (Mapped) map(Mail.message().from("anna@globex.example").to(ME).id("r1@globex.example")
                .header("In-Reply-To", "<" + root + ">").header("References", "<" + root + ">")
                .date("Tue, 03 Jun 2024 10:00:00 +0000"));
        Mapped followUp = (Mapped) map(Mail.message().from(ME).to("anna@globex.example").id("f2@freelancer.example")
                .header("In-Reply-To", "<r1@globex.example>")
                .header("References", "<" + root + ">\r\n <r1@globex.example>")
                .date("Wed, 04 Jun 2024 10:00:00 +0000"));
        MessageReceived received = (MessageReceived) payload(reply.events().get(0));
        assertThat(received.getThreadId()).isEqualTo(thread(root));
        assertThat(received.getReceivedAt()).isEqualTo(Instant.parse("2024-06-03T10:00:00Z"));
        assertThat(received.getEventId()).isEqualTo("mail:received:" + sha256("acme\nr1@globex.example\nglobex"));
        assertThat(((MessageSent) payload(followUp.events().get(0))).getThreadId()).isEqualTo(thread(root));
        // In-Reply-To alone (no References) names the parent, which is then the root.
        Mapped parentOnly = (Mapped) map(Mail.message().from("peter@initech.example").to(ME).id("p@initech.example")
                .header("In-Reply-To", "<q@freelancer.example>").date("Wed, 04 Jun 2024 10:00:00 +0000"));
        assertThat(((MessageReceived) payload(parentOnly.events().get(0))).getThreadId())
                .isEqualTo(thread("q@freelancer.example"));
    }

    @Test
    void aReplyWithAnEditedSubjectStaysInItsThread() throws Exception {
        String root = "root-3@freelancer.example";
        Mapped edited = (Mapped) map(Mail.message().from("anna@globex.example").to(ME).id("e@globex.example")
                .subject("Different topic now (was: Re: Invoice 8)").header("References", "<" + root + ">")
                .date("Tue, 03 Jun 2025 10:00:00 +0000"));
        assertThat(((MessageReceived) payload(edited.events().get(0))).getThreadId()).isEqualTo(thread(root));
    }

    @Test
    void gmailsThreadIdIsUsedWhenAskedForAndPresent() throws Exception {
        Mail gmail = Mail.message().header("X-GM-THRID", "1790912345678901234")
                .from("anna@globex.example").to(ME).id("g@globex.example").header("References", "<x@y.example>")
                .date("Tue, 03 Jun 2025 10:00:00 +0000");
        MailMapper byGmail = new MailMapper("acme", Set.of(ME), contacts(),
                new EventValidator(Clock.fixed(NOW, ZoneOffset.UTC)), MailMapper.Threads.GMAIL);
        Mapped m = (Mapped) byGmail.map(HeaderOnlyMessage.of(gmail.headerBlock()), Optional.empty());
        assertThat(((MessageReceived) payload(m.events().get(0))).getThreadId()).isEqualTo("gmail:1790912345678901234");
        // Without a Gmail thread id it falls back to References.
        Mapped plain = (Mapped) byGmail.map(HeaderOnlyMessage.of(Mail.message().from("anna@globex.example").to(ME)
                .id("h@globex.example").header("References", "<x@y.example>")
                .date("Tue, 03 Jun 2025 10:00:00 +0000").headerBlock()), Optional.empty());
        assertThat(((MessageReceived) payload(plain.events().get(0))).getThreadId()).isEqualTo(thread("x@y.example"));
        // The default threads by References, as the IMAP watcher does, whatever X-GM-THRID says.
        Mapped byDefault = (Mapped) map(gmail);
        assertThat(((MessageReceived) payload(byDefault.events().get(0))).getThreadId()).isEqualTo(thread("x@y.example"));
    }

    @Test
    void automaticMailIsSkippedWithItsReasonAndNeverCountedAsTheClientAnswering() throws Exception {
        Mail base = Mail.message().from("anna@globex.example").to(ME).id("auto@globex.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000");
        assertThat(map(Mail.message().from("anna@globex.example").to(ME).id("ooo@globex.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000").header("Auto-Submitted", "auto-replied (vacation)")
                .subject("Out of office")))
                .isEqualTo(new Skipped(Skip.AUTO_REPLY, "Auto-Submitted: auto-replied"));
        assertThat(map(Mail.message().from("anna@globex.example").to(ME).id("a2@globex.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000").header("X-Autoreply", "yes")))
                .isEqualTo(new Skipped(Skip.AUTO_REPLY, "X-Autoreply"));
        for (String precedence : List.of("bulk", "Auto_Reply", "junk")) {
            assertThat(map(Mail.message().from("anna@globex.example").to(ME).id("p@globex.example")
                    .date("Tue, 03 Jun 2025 10:00:00 +0000").header("Precedence", precedence)))
                    .isEqualTo(new Skipped(Skip.AUTO_REPLY, "Precedence: " + precedence.toLowerCase()));
        }
        // A bounce from the client's own domain (a domain contact) is not the client answering.
        assertThat(map(Mail.message().from("Mail Delivery System <MAILER-DAEMON@globex.example>").to(ME)
                .id("dsn@globex.example").date("Tue, 03 Jun 2025 10:00:00 +0000")
                .header("Content-Type", "multipart/report; report-type=delivery-status;\r\n boundary=\"b1\"")))
                .isEqualTo(new Skipped(Skip.DELIVERY_REPORT, "Content-Type: multipart/report"));
        // Auto-Submitted: no is a person writing: counted.
        assertThat(map(base.header("Auto-Submitted", "no"))).isInstanceOf(Mapped.class);
    }

    @Test
    void unknownSendersAndMailToNoClientAreSkippedNeverGuessed() throws Exception {
        assertThat(map(Mail.message().from("stranger@elsewhere.example").to(ME).id("u@elsewhere.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000")))
                .isEqualTo(new Skipped(Skip.UNKNOWN_SENDER, "sender is neither an own address nor a contact"));
        // A subdomain of a client's domain is not the client's.
        assertThat(map(Mail.message().from("x@mail.globex.example").to(ME).id("s@mail.globex.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000")).toString()).contains("UNKNOWN_SENDER");
        assertThat(map(Mail.message().from(ME).to("friend@elsewhere.example").id("n@freelancer.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000")))
                .isEqualTo(new Skipped(Skip.NO_CLIENT_RECIPIENT, "sent to no client's address"));
    }

    @Test
    void foldedAndEncodedHeadersWithNonAsciiNamesAreRead() throws Exception {
        Mapped encoded = (Mapped) map(Mail.message()
                .from("=?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?=\r\n <Juergen@Globex.Example>")
                .to("=?ISO-8859-1?B?RnLpZOlyaWM=?= <me@freelancer.example>").id("enc@globex.example")
                .date("Tue,\r\n 03 Jun 2025 10:00:00 +0000"));
        assertThat(encoded.events().get(0).key()).isEqualTo("acme|globex");
        // Raw UTF-8 display names (RFC 6532), several recipients on folded lines, two clients in To and Cc.
        Mapped utf8 = (Mapped) map(Mail.message().from("\"Zoë Ångström\" <me@freelancer.example>")
                .to("\"Zoë Ångström\" <zoe@initech.example>,\r\n\t\"安娜\" <anna@globex.example>")
                .header("Cc", "=?UTF-8?B?w4VzYQ==?= <asa@elsewhere.example>").id("multi@freelancer.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000"));
        assertThat(utf8.events()).extracting(OutboundEvent::key).containsExactly("acme|initech", "acme|globex");
        assertThat(utf8.events()).extracting(OutboundEvent::eventId).containsExactly(
                "mail:sent:" + sha256("acme\nmulti@freelancer.example\ninitech"),
                "mail:sent:" + sha256("acme\nmulti@freelancer.example\nglobex"));
    }

    @Test
    void theDateIsSanityCheckedAgainstTheEnvelopeDate() throws Exception {
        Instant envelope = Instant.parse("2025-05-20T08:00:00Z");
        Mail wrongClock = Mail.message().from("anna@globex.example").to(ME).id("d1@globex.example")
                .date("Thu, 01 Jan 1998 00:00:00 +0000");
        Mapped m = (Mapped) mapper.map(HeaderOnlyMessage.of(wrongClock.headerBlock()), Optional.of(envelope));
        assertThat(m.eventTime()).isEqualTo(envelope);
        Mail farOff = Mail.message().from("anna@globex.example").to(ME).id("d2@globex.example")
                .date("Mon, 26 May 2025 08:00:00 +0000");
        assertThat(((Mapped) mapper.map(HeaderOnlyMessage.of(farOff.headerBlock()), Optional.of(envelope)))
                .eventTime()).isEqualTo(envelope);
        Mail close = Mail.message().from("anna@globex.example").to(ME).id("d3@globex.example")
                .date("Tue, 20 May 2025 09:30:00 +0000");
        assertThat(((Mapped) mapper.map(HeaderOnlyMessage.of(close.headerBlock()), Optional.of(envelope)))
                .eventTime()).isEqualTo(Instant.parse("2025-05-20T09:30:00Z"));
        assertThat(map(Mail.message().from("anna@globex.example").to(ME).id("d4@globex.example")
                .date("Wed, 04 Jun 2025 12:00:01 +0000")).toString()).as("beyond a day ahead").contains("BAD_DATE");
        assertThat(map(Mail.message().from("anna@globex.example").to(ME).id("d5@globex.example")
                .date("not a date")).toString()).contains("BAD_DATE");
        assertThat(map(Mail.message().from("anna@globex.example").to(ME).id("d6@globex.example")).toString())
                .contains("BAD_DATE");
    }

    @Test
    void malformedHeadersAreSkippedWithACountedReason() throws Exception {
        assertThat(map(Mail.message().from("anna@globex.example").to(ME).date("Tue, 03 Jun 2025 10:00:00 +0000")))
                .isEqualTo(new Skipped(Skip.NO_MESSAGE_ID, "no Message-ID header"));
        assertThat(map(Mail.message().from("\"unterminated <anna@globex.example").to(ME).id("m@globex.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000")))
                .isInstanceOfSatisfying(Skipped.class, s -> assertThat(s.reason()).isEqualTo(Skip.MALFORMED));
        assertThat(map(Mail.message().to(ME).id("nofrom@globex.example").date("Tue, 03 Jun 2025 10:00:00 +0000")))
                .isEqualTo(new Skipped(Skip.NO_SENDER, "no From address"));
    }

    @Test
    void neitherTheSubjectNorTheBodyIsEverRead() throws Exception {
        Mail mail = Mail.message().from("anna@globex.example").to(ME).id("private@globex.example")
                .date("Tue, 03 Jun 2025 10:00:00 +0000").subject("SECRET-SUBJECT").body("SECRET-BODY\r\n");
        MimeMessage guarded = new GuardedMessage(mail.bytes());
        Mapped m = (Mapped) mapper.map(guarded, Optional.empty());
        String stored = new String(m.events().get(0).value(), StandardCharsets.ISO_8859_1) + m.json();
        assertThat(stored).doesNotContain("SECRET", "Hello");
    }

    /** A whole message (body included) that fails the test if anything asks for its subject or its content. */
    static final class GuardedMessage extends MimeMessage {
        GuardedMessage(byte[] raw) throws MessagingException {
            super(Session.getInstance(new Properties()), new ByteArrayInputStream(raw));
        }

        private static AssertionError read(String what) {
            return new AssertionError("the mapper read the " + what);
        }

        @Override
        public String getSubject() {
            throw read("subject");
        }

        @Override
        public Object getContent() {
            throw read("body");
        }

        @Override
        public InputStream getInputStream() {
            throw read("body");
        }

        @Override
        public InputStream getRawInputStream() {
            throw read("body");
        }

        @Override
        protected InputStream getContentStream() {
            throw read("body");
        }

        @Override
        public jakarta.activation.DataHandler getDataHandler() {
            throw read("body");
        }

        @Override
        public String[] getHeader(String name) throws MessagingException {
            if (name.equalsIgnoreCase("Subject")) {
                throw read("subject");
            }
            return super.getHeader(name);
        }

        @Override
        public String getHeader(String name, String delimiter) throws MessagingException {
            if (name.equalsIgnoreCase("Subject")) {
                throw read("subject");
            }
            return super.getHeader(name, delimiter);
        }
    }
}
