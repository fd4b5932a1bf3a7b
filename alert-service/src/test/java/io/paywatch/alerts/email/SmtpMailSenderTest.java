package io.paywatch.alerts.email;

import com.icegreen.greenmail.user.MessageDeliveryHandler;
import com.icegreen.greenmail.user.UserException;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The reused SMTP connection of {@link SmtpMailSender}, against a real SMTP server (GreenMail): every email arrives
 * exactly once whatever happens to the connection, and a refusal is an error, never a silent success.
 */
class SmtpMailSenderTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private int port;
    private GreenMail greenMail;
    private final List<SmtpMailSender> senders = new ArrayList<>();

    @BeforeEach
    void startServer() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        startSmtp();
    }

    @AfterEach
    void stop() {
        senders.forEach(SmtpMailSender::close);
        greenMail.stop();
    }

    private void startSmtp() {
        greenMail = new GreenMail(new ServerSetup(port, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
        greenMail.start();
    }

    private SmtpMailSender sender(int maxMessagesPerConnection, Duration idleTimeout) {
        SmtpConfiguration config = new SmtpConfiguration("127.0.0.1", port, false, false, false, null, null,
                Duration.ofSeconds(2), Duration.ofSeconds(5), "alerts@paywatch.local", "Paywatch",
                maxMessagesPerConnection, idleTimeout);
        SmtpMailSender sender = new SmtpMailSender(SmtpSessionProvider.createSession(config),
                new StableIdMessageComposer(), config);
        senders.add(sender);
        return sender;
    }

    private static OutgoingEmail email(String id, String to) {
        return new OutgoingEmail(id, to, "Giulia", "Subject " + id, "Text " + id, "<p>Html " + id + "</p>", "en");
    }

    /** Alert ids of every message the server holds, in arrival order (X-Paywatch-Alert-Id). */
    private List<String> received() throws Exception {
        List<String> ids = new ArrayList<>();
        for (MimeMessage message : greenMail.getReceivedMessages()) {
            ids.add(message.getHeader("X-Paywatch-Alert-Id")[0]);
        }
        return ids;
    }

    private static List<String> ids(String prefix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> prefix + i).collect(Collectors.toList());
    }

    @Test
    void manyMessagesGoOverOneConnectionEachExactlyOnce() throws Exception {
        SmtpMailSender sender = sender(100, Duration.ofMinutes(1));
        for (String id : ids("a-", 0, 40)) {
            sender.send(email(id, "giulia@example.com"));
        }
        assertThat(received()).containsExactlyElementsOf(ids("a-", 0, 40));
        assertThat(sender.connectionsOpened()).isEqualTo(1);
        assertThat(sender.connectionOpen()).isTrue();
        MimeMessage first = greenMail.getReceivedMessages()[0];
        assertThat(first.getHeader("Message-ID")).containsExactly("<a-0@paywatch.local>");
        assertThat(first.getHeader("Auto-Submitted")).containsExactly("auto-generated");
        assertThat(first.getHeader("Content-Language")).containsExactly("en");
    }

    @Test
    void concurrentSendersShareTheConnectionAndNoMessageIsLostOrDoubled() throws Exception {
        SmtpMailSender sender = sender(1000, Duration.ofMinutes(1));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> sends = new ArrayList<>();
            for (String id : ids("c-", 0, 60)) {
                sends.add(pool.submit(() -> {
                    sender.send(email(id, "giulia@example.com"));
                    return null;
                }));
            }
            for (Future<?> send : sends) {
                send.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(received()).containsExactlyInAnyOrderElementsOf(ids("c-", 0, 60));
        assertThat(sender.connectionsOpened()).isEqualTo(1);
    }

    @Test
    void reconnectsOnceAfterTheServerDroppedTheConnectionWithoutSendingTwice() throws Exception {
        SmtpMailSender sender = sender(100, Duration.ofMinutes(1));
        sender.send(email("r-0", "giulia@example.com"));
        sender.send(email("r-1", "giulia@example.com"));
        assertThat(received()).containsExactly("r-0", "r-1");

        // The server restarts: the sender's open connection is dead, which it learns only on its next command.
        greenMail.stop();
        startSmtp();
        assertThat(sender.connectionOpen()).isTrue();

        sender.send(email("r-2", "giulia@example.com"));
        sender.send(email("r-3", "giulia@example.com"));
        assertThat(received()).containsExactly("r-2", "r-3");
        assertThat(sender.connectionsOpened()).isEqualTo(2);
        assertThat(sender.retriedOnFreshConnection()).isEqualTo(1);
    }

    @Test
    void serverDownIsAnErrorAndTheNextSendAfterItReturnsGoesThrough() throws Exception {
        SmtpMailSender sender = sender(100, Duration.ofMinutes(1));
        sender.send(email("d-0", "giulia@example.com"));
        greenMail.stop();

        // The stale connection is retried once on a fresh one, which cannot connect: an error, nothing sent.
        assertThatThrownBy(() -> sender.send(email("d-1", "giulia@example.com")))
                .isInstanceOf(MailDeliveryException.class)
                .matches(e -> ((MailDeliveryException) e).retryable());
        assertThat(sender.connectionOpen()).isFalse();

        startSmtp();
        sender.send(email("d-2", "giulia@example.com"));
        assertThat(received()).containsExactly("d-2");
    }

    @Test
    void rollsOverToAFreshConnectionAfterMaxMessages() throws Exception {
        SmtpMailSender sender = sender(3, Duration.ofMinutes(1));
        for (String id : ids("m-", 0, 7)) {
            sender.send(email(id, "giulia@example.com"));
        }
        // 3 + 3 + 1 messages: the third connection is still open, the first two were closed at their third message.
        assertThat(sender.connectionsOpened()).isEqualTo(3);
        assertThat(sender.connectionOpen()).isTrue();
        assertThat(received()).containsExactlyElementsOf(ids("m-", 0, 7));
        sender.send(email("m-7", "giulia@example.com"));
        sender.send(email("m-8", "giulia@example.com"));
        assertThat(sender.connectionOpen()).as("closed after its third message").isFalse();
        assertThat(sender.connectionsOpened()).isEqualTo(3);
        assertThat(sender.retriedOnFreshConnection()).isZero();
    }

    @Test
    void closesAnIdleConnectionAndOpensAFreshOneForTheNextEmail() throws Exception {
        SmtpMailSender sender = sender(100, Duration.ofMillis(300));
        sender.send(email("i-0", "giulia@example.com"));
        assertThat(sender.connectionOpen()).isTrue();
        await("idle connection closed").atMost(WAIT).until(() -> !sender.connectionOpen());

        sender.send(email("i-1", "giulia@example.com"));
        assertThat(sender.connectionsOpened()).isEqualTo(2);
        // Closed cleanly by the sender (QUIT), so the fresh connection needed no retry.
        assertThat(sender.retriedOnFreshConnection()).isZero();
        assertThat(received()).containsExactly("i-0", "i-1");
    }

    @Test
    void aRefusedMessageIsAnErrorAndIsNotSentOnAFreshConnection() throws Exception {
        MessageDeliveryHandler accept = greenMail.getUserManager().getMessageDeliveryHandler();
        List<String> refused = new ArrayList<>();
        greenMail.getUserManager().setMessageDeliveryHandler((message, address) -> {
            if (address.getEmail().startsWith("refuse")) {
                synchronized (refused) {
                    refused.add(message.getMessage().getHeader("X-Paywatch-Alert-Id")[0]);
                }
                throw new UserException("mailbox full");
            }
            return accept.handle(message, address);
        });
        SmtpMailSender sender = sender(100, Duration.ofMinutes(1));
        sender.send(email("x-0", "giulia@example.com"));

        // The server answers the end of DATA with 451: the message was offered once and refused; it is not retried.
        assertThatThrownBy(() -> sender.send(email("x-1", "refuse@example.com")))
                .isInstanceOf(MailDeliveryException.class)
                .hasMessageContaining("451")
                .matches(e -> ((MailDeliveryException) e).retryable());
        assertThat(refused).containsExactly("x-1");
        assertThat(sender.retriedOnFreshConnection()).isZero();

        sender.send(email("x-2", "giulia@example.com"));
        assertThat(received()).containsExactly("x-0", "x-2");
        assertThat(Arrays.stream(greenMail.getReceivedMessages()).map(m -> {
            try {
                return ((InternetAddress) m.getAllRecipients()[0]).getAddress();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        })).containsOnly("giulia@example.com");
    }
}
