package io.paywatch.producer.mail;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Streaming mbox and .eml reading: header blocks only, message boundaries, envelope dates. */
class MailSourceTest {

    @TempDir
    Path dir;

    static List<MailSource.Raw> all(MailSource source) throws Exception {
        List<MailSource.Raw> out = new ArrayList<>();
        for (MailSource.Raw r = source.next(); r != null; r = source.next()) {
            out.add(r);
        }
        return out;
    }

    @Test
    void anMboxIsSplitAtFromLinesAndOnlyHeaderBlocksAreKept() throws Exception {
        String mbox = "From anna@globex.example Tue Jun  3 10:00:00 2025\n"
                + "From: anna@globex.example\nMessage-ID: <a@x>\nSubject: one\n\nSECRET-BODY line\n"
                + ">From the desk of Anna (an escaped body line)\nFrom: not a header, a body line\n\n"
                + "From 1790912345678901234@xxx Wed Jun 04 11:30:00 +0200 2025\r\n"
                + "X-GM-THRID: 1790912345678901234\r\nFrom: me@freelancer.example\r\n\r\nSECRET-BODY two\r\n\r\n"
                + "From MAILER-DAEMON garbage-date\nFrom: x@y.example\n";
        Path file = dir.resolve("box.mbox");
        Files.writeString(file, mbox, StandardCharsets.UTF_8);
        try (MailSource source = MailSource.open(file)) {
            List<MailSource.Raw> raws = all(source);
            assertThat(raws).hasSize(3);
            assertThat(raws.get(0).where()).isEqualTo("message 1 (line 1)");
            assertThat(new String(raws.get(0).headerBlock(), StandardCharsets.UTF_8))
                    .isEqualTo("From: anna@globex.example\nMessage-ID: <a@x>\nSubject: one\n\n");
            assertThat(raws.get(0).envelopeDate()).contains(Instant.parse("2025-06-03T10:00:00Z"));
            assertThat(raws.get(1).where()).isEqualTo("message 2 (line 10)");
            assertThat(new String(raws.get(1).headerBlock(), StandardCharsets.UTF_8)).doesNotContain("SECRET")
                    .contains("X-GM-THRID");
            assertThat(raws.get(1).envelopeDate()).contains(Instant.parse("2025-06-04T09:30:00Z"));
            assertThat(raws.get(2).envelopeDate()).isEqualTo(Optional.empty());
            assertThat(raws).allSatisfy(r -> assertThat(new String(r.headerBlock(), StandardCharsets.UTF_8))
                    .doesNotContain("SECRET"));
            assertThat(source.position()).isEqualTo(source.size());
        }
    }

    @Test
    void aFileThatIsNotAnMboxIsRefused() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "Subject: hello\n\nbody\n");
        assertThatThrownBy(() -> MailSource.open(file)).hasMessageContaining("is not an mbox file");
    }

    @Test
    void emlFilesAreReadUpToTheirEmptyLineInNameOrder() throws Exception {
        Files.createDirectories(dir.resolve("sub"));
        Files.writeString(dir.resolve("b.eml"), "From: b@x.example\r\nMessage-ID: <b@x>\r\n\r\nSECRET-BODY\r\n");
        Files.writeString(dir.resolve("sub/a.eml"), "From: a@x.example\n\nSECRET-BODY\n");
        Files.writeString(dir.resolve("ignored.txt"), "not mail");
        try (MailSource source = MailSource.open(dir)) {
            List<MailSource.Raw> raws = all(source);
            assertThat(raws).extracting(MailSource.Raw::where).containsExactly("b.eml", "sub/a.eml");
            assertThat(new String(raws.get(0).headerBlock(), StandardCharsets.UTF_8))
                    .isEqualTo("From: b@x.example\r\nMessage-ID: <b@x>\r\n\r\n");
            assertThat(raws).allSatisfy(r -> assertThat(r.envelopeDate()).isEmpty());
        }
    }
}
