package io.paywatch.launcher.mail;

import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class SmtpCaptureTest {

    @TempDir
    Path outbox;

    @Test
    void eachMailIsWrittenOnceWhateverMailboxItLandsIn() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<Path> notified = new CopyOnWriteArrayList<>();
        try (SmtpCapture capture = new SmtpCapture(port, outbox, notified::add)) {
            capture.start();
            ServerSetup smtp = new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP);
            // Alternating recipients: GreenMail lists mail per mailbox, so a mail to "a" arriving after one
            // to "b" lands before it in the list. An index cursor wrote the shifted mails again.
            String[] recipients = {"b@example.com", "a@example.com", "b@example.com", "a@example.com", "c@example.com"};
            for (int i = 0; i < recipients.length; i++) {
                GreenMailUtil.sendTextEmail(recipients[i], "alerts@paywatch.local", "alert " + i, "body " + i, smtp);
                int sent = i + 1;
                await().atMost(Duration.ofSeconds(10)).until(() -> emlFiles().size() >= sent);
            }
            // Let several flush rounds pass (200 ms each) and check that nothing is written twice.
            await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(5)).until(() -> true);
            assertThat(emlFiles()).hasSize(recipients.length);
            assertThat(notified).hasSize(recipients.length);
        }
    }

    private List<Path> emlFiles() throws IOException {
        try (Stream<Path> files = Files.list(outbox)) {
            return files.filter(p -> p.toString().endsWith(".eml")).toList();
        }
    }
}
