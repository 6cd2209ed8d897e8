package dev.postillion.queue;

import java.util.Optional;

/**
 * What became of one recipient in one delivery attempt.
 *
 * @param recipient index into the envelope's recipients
 * @param relay where it went, as the queue log shows it: {@code local}, {@code none}, or
 *     {@code host[ip]:port}
 * @param dsn the RFC 3463 enhanced status code, e.g. {@code 2.0.0}
 * @param detail what happened, in words, for the log and the human part of a report; for a remote
 *     answer, Postfix's {@code host H[IP] said: REPLY (in reply to COMMAND command)}
 * @param remote the remote server's answer when there was one, for a report's Remote-MTA and
 *     Diagnostic-Code fields (RFC 3464 section 2.3.5 and 2.3.6)
 * @param security for a remote delivery attempt, how its connection was protected; empty for a
 *     local one
 */
public record RecipientOutcome(int recipient, Status status, String relay, String dsn, String detail,
        Optional<RemoteAnswer> remote, Optional<TransportSecurity> security) {

    /** The relay of outcomes decided by this cluster's mailboxes and directory (Postfix's {@code relay=local}). */
    public static final String LOCAL_RELAY = "local";

    public enum Status {
        /** Final: in a mailbox or accepted by the next hop. Logged {@code status=sent}. */
        SENT,
        /** Temporary failure: stays queued and is retried. */
        DEFERRED,
        /** Final: permanent failure, to be returned to the sender. */
        BOUNCED;

        public String logName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A remote SMTP server's reply to one of our commands.
     *
     * @param host the server's name (MX host), {@code address} its IP address
     * @param reply the reply as received, lines joined by a space: {@code 550 5.1.1 <a@b>: unknown}
     * @param command the command it answered, as Postfix names it: {@code MAIL FROM}, {@code RCPT
     *     TO}, {@code end of DATA}, or {@code initial greeting}/{@code EHLO} for session-level answers
     * @param dsnPassedOn the server advertised DSN, so NOTIFY and ORCPT went on with the recipient
     *     and a success notice, if one was asked for, is now that server's job (RFC 3461 section
     *     5.2.1); when false, a requested success notice is ours to send, as "relayed" (section 5.2.2)
     */
    public record RemoteAnswer(String host, String address, String reply, String command, boolean dsnPassedOn) {

        /** Postfix's wording, for the queue log and the human part of a report. */
        public String describe() {
            return "host " + host + "[" + address + "] said: " + reply + " (in reply to " + command + " command)";
        }
    }

    /** An outcome decided here (a mailbox, DNS, a refused connection), without a remote answer. */
    public static RecipientOutcome local(int recipient, Status status, String relay, String dsn, String detail) {
        return new RecipientOutcome(recipient, status, relay, dsn, detail, Optional.empty(), Optional.empty());
    }

    /** An outcome given by a remote server's reply. */
    public static RecipientOutcome remote(int recipient, Status status, String relay, String dsn, RemoteAnswer answer) {
        return new RecipientOutcome(recipient, status, relay, dsn, answer.describe(), Optional.of(answer),
                Optional.empty());
    }

    /** The same outcome, of an attempt over a connection protected so. */
    public RecipientOutcome over(TransportSecurity connection) {
        return new RecipientOutcome(recipient, status, relay, dsn, detail, remote, Optional.of(connection));
    }

    /** The same outcome, for another recipient that shared the attempt (one stored copy for both). */
    public RecipientOutcome forRecipient(int other) {
        return new RecipientOutcome(other, status, relay, dsn, detail, remote, security);
    }

    public boolean isFinal() {
        return status != Status.DEFERRED;
    }
}
