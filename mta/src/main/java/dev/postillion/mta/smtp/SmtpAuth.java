package dev.postillion.mta.smtp;

import dev.postillion.mailbox.AppPassword;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.smtp.SmtpSession.AuthChecked;
import dev.postillion.mta.smtp.SmtpSession.Awaiting;
import dev.postillion.mta.smtp.SmtpSession.Command;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SMTP AUTH (RFC 4954) in one {@link SmtpSession}: the AUTH command, its SASL exchange of 334
 * challenges and responses ({@link AuthExchange}), the check of the credentials it offers
 * ({@link SaslAuthenticator}, off the session's thread, answered after its delay or with its
 * lockout), and who authenticated. Runs on the session's thread and answers through it.
 */
final class SmtpAuth {

    /** The session's logger: these lines keep the name they are known by in the log. */
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    private final SmtpSession session;
    private final SaslAuthenticator logins;
    private final String hostname;
    /** Empty until SMTP AUTH succeeds (RFC 4954). */
    private Optional<SaslAuthenticator.Accepted> user = Optional.empty();
    /** The AUTH exchange under way: the client's lines are its responses, not commands. */
    private AuthExchange exchange;

    SmtpAuth(SmtpSession session, SaslAuthenticator logins, String hostname) {
        this.session = session;
        this.logins = logins;
        this.hostname = hostname;
    }

    /** Who authenticated, once AUTH has succeeded. */
    Optional<SaslAuthenticator.Accepted> user() {
        return user;
    }

    /** An exchange is under way: the client's next line is a response to its challenge. */
    boolean exchanging() {
        return exchange != null;
    }

    /**
     * SMTP AUTH (RFC 4954 section 4): once, outside a transaction, and only under TLS (RFC 4954
     * section 4 lets a server refuse a mechanism without it: 538).
     */
    Behavior<Command> begin(SmtpCommand.Auth auth, boolean inTransaction) {
        Client client = session.client();
        Optional<AuthExchange> started = AuthExchange.of(auth);
        Reply refusal = client.tls().isEmpty() ? Replies.AUTH_NEEDS_TLS
                : client.heloName() == null || !client.esmtp() ? Replies.NEED_HELO
                : user.isPresent() ? Replies.AUTH_ALREADY
                : inTransaction ? Replies.AUTH_IN_TRANSACTION
                : started.isEmpty() ? Replies.AUTH_UNKNOWN_MECHANISM : null;
        if (refusal != null) {
            return session.error(refusal);
        }
        exchange = started.get();
        return step(exchange.start(auth.initialResponse()));
    }

    /** The client's line while an exchange is under way: its response to the last challenge. */
    Behavior<Command> respond(String line) {
        return step(exchange.respond(line));
    }

    /** An unreadable line ends the exchange under way; the session answers it as a client error. */
    void abandon() {
        exchange = null;
    }

    private Behavior<Command> step(AuthExchange.Step step) {
        if (step instanceof AuthExchange.Challenge challenge) {
            return session.reply(challenge.reply());
        }
        exchange = null;
        if (step instanceof AuthExchange.Ended ended) {
            return session.error(ended.reply());
        }
        return session.await(Awaiting.AUTH, logins.check(session.client().address(),
                ((AuthExchange.Offered) step).credentials()), AuthChecked::new);
    }

    /**
     * The credentials' verdict, after the throttle's delay when they failed. A client locked out
     * hears why and is disconnected. Bad credentials (535, RFC 4954 section 6) count as a client
     * error; a 454 is our fault and does not.
     */
    Behavior<Command> checked(AuthChecked checked) {
        if (checked.failure() != null) {
            log.error("auth check failed: {}", checked.failure().toString());
            return session.reply(Replies.AUTH_UNAVAILABLE);
        }
        if (checked.verdict() instanceof SaslAuthenticator.Accepted accepted) {
            user = Optional.of(accepted);
            logins.loggedIn(accepted, AppPassword.Protocol.SMTP, session.revocations(), session.self());
            return session.conclude(Replies.AUTH_SUCCEEDED);
        }
        return switch (((SaslAuthenticator.Refused) checked.verdict()).reason()) {
            case FAILED -> session.conclude(Replies.AUTH_FAILED);
            case DISABLED -> session.conclude(Replies.AUTH_DISABLED);
            case UNAVAILABLE -> session.conclude(Replies.AUTH_UNAVAILABLE);
            case LOCKED_OUT -> session.closeWith(Replies.tooManyAuthFailures(hostname));
        };
    }
}
