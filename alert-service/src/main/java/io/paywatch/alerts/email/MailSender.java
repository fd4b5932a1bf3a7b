package io.paywatch.alerts.email;

/** The port through which alert emails leave the service; tests and the SMTP adapter implement it. */
public interface MailSender {

    /**
     * Hands the email to the mail server. Returns only once the server accepted it (SMTP 250 after DATA).
     *
     * @throws MailDeliveryException when the server is unreachable or refuses the message
     */
    void send(OutgoingEmail email) throws MailDeliveryException;
}
