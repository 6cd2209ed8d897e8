package dev.postillion.mta.smtp;

import dev.postillion.core.Envelope;
import dev.postillion.core.QueueId;
import dev.postillion.mta.smtp.SmtpCommand.Auth;
import dev.postillion.mta.smtp.SmtpCommand.Data;
import dev.postillion.mta.smtp.SmtpCommand.Ehlo;
import dev.postillion.mta.smtp.SmtpCommand.Helo;
import dev.postillion.mta.smtp.SmtpCommand.Help;
import dev.postillion.mta.smtp.SmtpCommand.Mail;
import dev.postillion.mta.smtp.SmtpCommand.Malformed;
import dev.postillion.mta.smtp.SmtpCommand.Noop;
import dev.postillion.mta.smtp.SmtpCommand.Quit;
import dev.postillion.mta.smtp.SmtpCommand.Rcpt;
import dev.postillion.mta.smtp.SmtpCommand.Rset;
import dev.postillion.mta.smtp.SmtpCommand.StartTls;
import dev.postillion.mta.smtp.SmtpCommand.Vrfy;
import dev.postillion.mta.tls.TlsSession;
import java.net.InetAddress;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * What one SMTP session tells the operator, on logger {@code postillion.smtpd}, one line per event
 * in the shapes of Postfix's smtpd(8), which fail2ban filters and log readers expect: {@code connect
 * from}, the TLS agreed on, {@code NOQUEUE: reject:} for each refused MAIL or RCPT and each bare
 * LF, and {@code disconnect from} with the commands the session saw. No reverse DNS is looked up,
 * so the client is always {@code unknown[ip]}, as Postfix writes it without a name.
 */
final class SessionLog {

    /** The operator's log of the SMTP server, as Postfix's smtpd(8) writes to the mail log. */
    static final Logger log = LoggerFactory.getLogger("postillion.smtpd");

    /** The commands counted on the disconnect line, in Postfix's order; "unknown" is anything else. */
    private static final List<String> VERBS = List.of("helo", "ehlo", "starttls", "auth", "mail", "rcpt", "data",
            "rset", "noop", "vrfy", "help", "quit", "unknown");

    private final String client;
    private final int[] succeeded = new int[VERBS.size()];
    private final int[] given = new int[VERBS.size()];
    /** The index in VERBS of the command whose final reply is still to come; -1 for none. */
    private int pending = -1;
    /** The path of a pending RCPT, for its reject line. */
    private String recipient;
    /** The last command's verb in upper case, for the line that says what a session ended after. */
    private String last = "CONNECT";
    /** The path of a pending MAIL, for its reject line. */
    private String mailPath;

    private final String clientAddress;
    private final String listener;

    SessionLog(InetAddress address, String listener) {
        this.client = name(address);
        this.clientAddress = address.getHostAddress();
        this.listener = listener;
        event("connect").log("connect from {}", client);
    }

    /**
     * A line about this session, carrying its client, listener and {@code outcome} as fields, which
     * the JSON log format writes as such (postillion.log.format); the text format shows the message.
     */
    private LoggingEventBuilder event(String outcome) {
        return event(clientAddress, listener, outcome);
    }

    private static LoggingEventBuilder event(String clientAddress, String listener, String outcome) {
        return log.atInfo().addKeyValue("client", clientAddress).addKeyValue("listener", listener)
                .addKeyValue("outcome", outcome);
    }

    /** A connection refused before any session began: over a limit, or a client that spoke first. */
    static void connectionRefused(InetAddress client, String listener, Reply reply) {
        event(client.getHostAddress(), listener, "reject").log("NOQUEUE: reject: CONNECT from {}: {}", name(client), reply);
    }

    /** A client as Postfix names it without a reverse lookup: {@code unknown[192.0.2.1]}. */
    static String name(InetAddress address) {
        return "unknown[" + address.getHostAddress() + "]";
    }

    /** A command line arrived; its final reply will count it. */
    void command(SmtpCommand command) {
        pending = VERBS.indexOf(verb(command));
        last = VERBS.get(pending).toUpperCase(Locale.ROOT);
        recipient = command instanceof Rcpt rcpt ? rcpt.path() : null;
        mailPath = command instanceof Mail mail ? mail.path() : null;
    }

    /** A line that is no command (over-long, or ended by a bare LF): counted as unknown. */
    void unreadable() {
        pending = VERBS.indexOf("unknown");
        last = "UNKNOWN";
        recipient = null;
    }

    /**
     * A reply went out. The final reply to a command counts it (334 and 354 are steps within AUTH
     * and DATA), and a refused MAIL or RCPT, or a bare LF, gets its reject line.
     *
     * @param sender the transaction's sender, empty outside a transaction
     * @param helo the name of the last HELO or EHLO, null before one
     */
    void replied(Reply reply, Optional<String> sender, String helo, boolean esmtp) {
        if (pending < 0 || reply.code() == 334 || reply.code() == 354) {
            return;
        }
        String verb = VERBS.get(pending);
        given[pending]++;
        if (reply.code() < 400) {
            succeeded[pending]++;
        } else if (verb.equals("mail") || verb.equals("rcpt") || reply == Replies.BARE_LINE_FEED) {
            reject(reply == Replies.BARE_LINE_FEED ? "bare <LF>" : verb.toUpperCase(Locale.ROOT), reply,
                    verb.equals("mail") ? Optional.ofNullable(mailPath) : sender, helo, esmtp);
        }
        pending = -1;
    }

    /** {@code NOQUEUE: reject: RCPT from unknown[ip]: 554 5.7.1 <x@y>: ...; from=<s> to=<x@y> proto=ESMTP helo=<h>} */
    private void reject(String what, Reply reply, Optional<String> sender, String helo, boolean esmtp) {
        StringBuilder line = new StringBuilder("NOQUEUE: reject: ").append(what).append(" from ").append(client)
                .append(": ").append(reply).append(';');
        sender.ifPresent(from -> line.append(" from=<").append(from).append('>'));
        if (recipient != null) {
            line.append(" to=<").append(recipient).append('>');
        }
        line.append(" proto=").append(esmtp ? "ESMTP" : "SMTP");
        if (helo != null) {
            line.append(" helo=<").append(helo).append('>');
        }
        event("reject").log(line.toString());
    }

    /**
     * The server ends the session for a reason of its own: {@code timeout after DATA from
     * unknown[ip]}, {@code too many errors after RCPT from unknown[ip]}.
     */
    void ended(String why) {
        event(why).log("{} after {} from {}", why, last, client);
    }

    /** Postfix's line for a TLS session, whose client presents no certificate (we ask for none). */
    void tlsStarted(TlsSession tls) {
        event("tls").log("Anonymous TLS connection established from {}: {} with cipher {} ({}/{} bits)", client,
                tls.protocol(), tls.cipherSuite(), tls.cipherBits(), tls.cipherBits());
    }

    /**
     * A message is in the spool: {@code ID: client=unknown[ip], proto=ESMTPS, helo=<h>, tls=...},
     * then {@code ID: from=<s>, size=N, nrcpt=N}, size counting the octets spooled, our trace
     * fields included, as Postfix's size counts its queue file's message.
     */
    static void queued(QueueId id, Client client, Envelope envelope, long size, String listener) {
        StringBuilder line = new StringBuilder().append(id).append(": client=").append(name(client.address()))
                .append(", proto=").append(ReceivedHeader.protocol(envelope, client))
                .append(", helo=<").append(client.heloName()).append(">, tls=")
                .append(client.tls().map(tls -> tls.protocol() + "/" + tls.cipherSuite()).orElse("none"));
        client.user().ifPresent(user -> line.append(", sasl_username=<").append(user.user()).append('>'));
        queuedEvent(id, client, listener).log(line.toString());
        queuedEvent(id, client, listener).log("{}: from=<{}>, size={}, nrcpt={}", id,
                envelope.sender().map(Object::toString).orElse(""), size, envelope.recipients().size());
    }

    private static LoggingEventBuilder queuedEvent(QueueId id, Client client, String listener) {
        return log.atInfo().addKeyValue("queue_id", id.toString()).addKeyValue("client", client.address().getHostAddress())
                .addKeyValue("listener", listener).addKeyValue("outcome", "queued");
    }

    /** {@code disconnect from unknown[ip] ehlo=1 mail=1 rcpt=0/1 quit=1 commands=3/4}: succeeded/given. */
    void disconnected() {
        StringBuilder line = new StringBuilder("disconnect from ").append(client);
        int allSucceeded = 0;
        int allGiven = 0;
        for (int i = 0; i < VERBS.size(); i++) {
            if (given[i] > 0) {
                line.append(' ').append(VERBS.get(i)).append('=').append(count(succeeded[i], given[i]));
                allSucceeded += succeeded[i];
                allGiven += given[i];
            }
        }
        event("disconnect").log(line.append(" commands=").append(count(allSucceeded, allGiven)).toString());
    }

    private static String count(int succeeded, int given) {
        return succeeded == given ? Integer.toString(given) : succeeded + "/" + given;
    }

    private static String verb(SmtpCommand command) {
        if (command instanceof Malformed malformed) {
            String verb = malformed.verb().toLowerCase(Locale.ROOT);
            return VERBS.contains(verb) ? verb : "unknown";
        } else if (command instanceof Helo) {
            return "helo";
        } else if (command instanceof Ehlo) {
            return "ehlo";
        } else if (command instanceof StartTls) {
            return "starttls";
        } else if (command instanceof Auth) {
            return "auth";
        } else if (command instanceof Mail) {
            return "mail";
        } else if (command instanceof Rcpt) {
            return "rcpt";
        } else if (command instanceof Data) {
            return "data";
        } else if (command instanceof Rset) {
            return "rset";
        } else if (command instanceof Noop) {
            return "noop";
        } else if (command instanceof Vrfy) {
            return "vrfy";
        } else if (command instanceof Help) {
            return "help";
        } else if (command instanceof Quit) {
            return "quit";
        }
        return "unknown";
    }
}
