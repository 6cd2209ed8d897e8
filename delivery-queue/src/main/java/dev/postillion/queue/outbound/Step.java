package dev.postillion.queue.outbound;

import java.time.Duration;

/**
 * The steps of a conversation with a server: what each reply answers, how long it may take, and
 * what the client was doing when a connection fails, in Postfix's words.
 */
enum Step {
    GREETING("initial greeting", "receiving the initial server greeting"),
    EHLO("EHLO", "performing the EHLO handshake"),
    HELO("HELO", "performing the HELO handshake"),
    /** The reply to STARTTLS (RFC 3207); the TLS handshake after it has its own timeout, the same. */
    STARTTLS("STARTTLS", "performing the STARTTLS handshake"),
    MAIL("MAIL FROM", "sending MAIL FROM"),
    RCPT("RCPT TO", "sending RCPT TO"),
    DATA("DATA", "sending DATA command"),
    /** The content itself, which has no reply of its own: only its transfer is timed. */
    CONTENT("message content", "sending message body"),
    /** A lost reply to the final dot leaves open whether the server took the message. */
    END_OF_DATA("end of DATA", "sending end of data -- message may be sent more than once"),
    RSET("RSET", "sending RSET"),
    QUIT("QUIT", "sending QUIT");

    /** The command a reply answers, for "(in reply to COMMAND command)". */
    final String command;
    /** For "lost connection with H[IP] while ACTIVITY". */
    final String activity;

    Step(String command, String activity) {
        this.command = command;
        this.activity = activity;
    }

    /** How long the server may take over this step; Postfix's smtp_*_timeout defaults in reference.conf. */
    Duration timeout(SmtpClientSettings settings) {
        return switch (this) {
            case GREETING, EHLO, HELO, STARTTLS -> settings.heloTimeout();
            case MAIL -> settings.mailTimeout();
            case RCPT -> settings.rcptTimeout();
            case DATA -> settings.dataInitTimeout();
            case CONTENT -> settings.dataTransferTimeout();
            case END_OF_DATA -> settings.dataDoneTimeout();
            case RSET -> settings.rsetTimeout();
            case QUIT -> settings.quitTimeout();
        };
    }
}
