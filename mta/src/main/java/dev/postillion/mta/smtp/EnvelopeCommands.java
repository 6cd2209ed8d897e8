package dev.postillion.mta.smtp;

import dev.postillion.core.EmailAddress;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.policy.limits.SenderStanding;
import dev.postillion.mta.policy.limits.SendingLimit;
import dev.postillion.mta.smtp.SmtpSession.Awaiting;
import dev.postillion.mta.smtp.SmtpSession.Command;
import dev.postillion.mta.smtp.SmtpSession.GreylistChecked;
import dev.postillion.mta.smtp.SmtpSession.RateChecked;
import dev.postillion.mta.smtp.SmtpSession.RecipientDecided;
import dev.postillion.mta.smtp.SmtpSession.SenderChecked;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.actor.typed.Behavior;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MAIL and RCPT (RFC 5321 sections 4.1.1.2 and 4.1.1.3) in one {@link SmtpSession}: the commands
 * that give a mail transaction its envelope, with what they wait for (the client's message rate and
 * the user's sending limits at MAIL, the directory and greylisting at RCPT). Holds the {@link Transaction} under way until DATA
 * takes it. Runs on the session's thread and answers through it.
 */
final class EnvelopeCommands {

    /** The session's logger: these lines keep the name they are known by in the log. */
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    private final SmtpSession session;
    private final ListenerContext context;
    private final CommandArguments arguments;
    private final RecipientCheck recipients;
    /** Null outside a transaction. */
    private Transaction transaction;

    EnvelopeCommands(SmtpSession session, ListenerContext context) {
        this.session = session;
        this.context = context;
        this.arguments = new CommandArguments(context.settings().maxMessageSize());
        this.recipients = new RecipientCheck(context.srs(), context.directory(), context.postmaster());
    }

    /** MAIL was accepted, and DATA has not taken the transaction yet. */
    boolean underway() {
        return transaction != null;
    }

    /** The transaction under way ends unfinished: RSET, EHLO or HELO (RFC 5321 section 4.1.4), TLS. */
    void reset() {
        transaction = null;
    }

    /** The transaction under way, for its content; the next one begins with MAIL. */
    Transaction take() {
        Transaction taken = transaction;
        transaction = null;
        return taken;
    }

    /** The sender of the transaction under way as lists and replies name it, if there is one. */
    Optional<String> senderAddress() {
        return Optional.ofNullable(transaction).map(Transaction::senderAddress);
    }

    /**
     * Why DATA cannot start now, if it cannot: it needs a transaction with at least one accepted
     * recipient (RFC 5321 section 4.1.1.4).
     */
    Optional<Reply> dataRefusal() {
        if (transaction == null) {
            return Optional.of(outsideTransaction());
        }
        if (transaction.recipients.isEmpty()) {
            return Optional.of(transaction.rcptAttempted ? Replies.NO_VALID_RECIPIENTS : Replies.NEED_RCPT);
        }
        return Optional.empty();
    }

    /** The refusal of a command that needs a transaction: it begins after EHLO or HELO, with MAIL. */
    private Reply outsideTransaction() {
        return session.client().heloName() == null ? Replies.NEED_HELO : Replies.NEED_MAIL;
    }

    /**
     * MAIL FROM (RFC 5321 section 4.1.1.2) begins a transaction: its reverse-path, which may be
     * null, and its parameters (SIZE, BODY, SMTPUTF8, RET and ENVID) are checked first.
     */
    Behavior<Command> mail(SmtpCommand.Mail mail) {
        Client client = session.client();
        if (client.heloName() == null) {
            return session.error(Replies.NEED_HELO);
        }
        if (context.role().requiresAuth() && client.user().isEmpty()) {
            // RFC 6409 section 4.3 and RFC 8314: the submission ports take mail from users only.
            return session.error(Replies.AUTH_REQUIRED);
        }
        if (transaction != null) {
            return session.error(Replies.NESTED_MAIL);
        }
        Optional<Reply> refused = arguments.mailParameterProblem(mail.parameters(), client.esmtp());
        if (refused.isPresent()) {
            return session.error(refused.get());
        }
        boolean smtputf8 = mail.parameters().containsKey("SMTPUTF8");
        Optional<EmailAddress> sender;
        if (mail.path().isEmpty()) {
            sender = Optional.empty();
        } else {
            Optional<Reply> bad = CommandArguments.addressProblem(mail.path(), smtputf8, Replies.BAD_SENDER_SYNTAX);
            if (bad.isPresent()) {
                return session.error(bad.get());
            }
            sender = Optional.of(EmailAddress.parse(mail.path(), smtputf8));
        }
        if (!mayUseSender(client, sender)) {
            log.info("client=[{}], sasl_username=<{}>: sender <{}> denied", client.addressText(),
                    client.user().get().user(), mail.path());
            return session.error(Replies.SENDER_DENIED);
        }
        Transaction started = new Transaction(sender, DsnParameters.canonical(mail.parameters()), smtputf8);
        if (context.rates().enabled() && !client.mayRelay()) {
            return checkRate(client, started);
        }
        return checkSendingLimits(started);
    }

    /**
     * The sender guard (SPEC section 5): an authenticated user sends as itself or one of its
     * aliases, or as the null sender; anyone else's address is refused (553 5.7.1).
     */
    private static boolean mayUseSender(Client client, Optional<EmailAddress> sender) {
        Optional<SaslAuthenticator.Accepted> user = client.user();
        return user.isEmpty() || sender.isEmpty() || user.get().ownAddresses().contains(sender.get().key());
    }

    /**
     * Counts a message against the client's rate ({@code postillion.limits.message-rate-per-client}),
     * as Postfix counts MAIL commands for {@code smtpd_client_message_rate_limit}. Clients in the
     * relay networks are not counted. Over the limit, MAIL gets {@code 451 4.7.1} (RFC 3463
     * section 3.8: delivery not authorized), a temporary refusal that a sender's queue retries.
     */
    private Behavior<Command> checkRate(Client client, Transaction started) {
        return session.await(Awaiting.RATE, context.rates().allowMessage(client.address()),
                (allowed, failure) -> new RateChecked(started, allowed, failure));
    }

    Behavior<Command> rateChecked(RateChecked checked) {
        if (checked.failure() != null) {
            // The counter did not answer: our fault, so the client is not refused for it (rule 7).
            log.warn("message rate of [{}] not counted: {}", session.client().addressText(),
                    checked.failure().getMessage());
        } else if (!checked.allowed()) {
            log.info("client=[{}], from=<{}>: message rate limit exceeded", session.client().addressText(),
                    checked.started().senderAddress());
            return session.conclude(Replies.RATE_LIMITED);
        }
        return checkSendingLimits(checked.started());
    }

    /**
     * The authenticated user's sending limits ({@code postillion.limits.sending}, SPEC section 5),
     * after the client's rate: a user at a message limit is refused here with {@code 451 4.7.1},
     * saying which limit and when it resets; the standing is kept for the recipient limits at
     * RCPT. Nothing is counted until the spool has taken the message (see SenderRate).
     */
    private Behavior<Command> checkSendingLimits(Transaction started) {
        Optional<SaslAuthenticator.Accepted> user = session.client().user();
        if (user.isEmpty() || !context.senders().enabled()) {
            transaction = started;
            return session.reply(Replies.SENDER_OK);
        }
        return session.await(Awaiting.SENDING_LIMITS, context.senders().standingNow(user.get().user().key()),
                (standing, failure) -> new SenderChecked(started, standing, failure));
    }

    Behavior<Command> senderChecked(SenderChecked checked) {
        if (checked.failure() != null) {
            // As for the client's rate: the counter's silence is our fault, not the user's.
            log.warn("sending limits of <{}> not checked: {}", session.client().user().get().user(),
                    checked.failure().getMessage());
        } else {
            Optional<SendingLimit> reached = checked.standing().messageLimitReached();
            if (reached.isPresent()) {
                return session.conclude(limitRefusal(checked.standing(), reached.get()));
            }
            checked.started().standing = checked.standing();
        }
        transaction = checked.started();
        return session.reply(Replies.SENDER_OK);
    }

    private Reply limitRefusal(SenderStanding standing, SendingLimit limit) {
        log.info("client=[{}], sasl_username=<{}>: sending limit reached: {}", session.client().addressText(),
                session.client().user().get().user(), standing.refusal(limit));
        return Replies.sendingLimited(standing.refusal(limit));
    }

    /**
     * RCPT TO (RFC 5321 section 4.1.1.3) names one recipient of the transaction; the directory
     * decides about it off the session's thread, then greylisting may.
     */
    Behavior<Command> rcpt(SmtpCommand.Rcpt rcpt) {
        if (transaction == null) {
            return session.error(outsideTransaction());
        }
        transaction.rcptAttempted = true;
        Client client = session.client();
        Optional<Reply> refused = CommandArguments.rcptParameterProblem(rcpt.parameters(), client.esmtp());
        if (refused.isPresent()) {
            return session.error(refused.get());
        }
        boolean bare = Postmaster.isBare(rcpt.path());
        Optional<Reply> bad = bare ? Optional.empty() : CommandArguments.addressProblem(rcpt.path(),
                transaction.smtputf8, Replies.BAD_RECIPIENT_SYNTAX);
        if (bad.isPresent()) {
            return session.error(bad.get());
        }
        if (transaction.recipients.size() >= context.settings().maxRecipients()) {
            return session.reply(Replies.TOO_MANY_RECIPIENTS);
        }
        Optional<SendingLimit> reached = transaction.standing == null ? Optional.empty()
                : transaction.standing.recipientLimitReached(transaction.recipients.size());
        if (reached.isPresent()) {
            return session.reply(limitRefusal(transaction.standing, reached.get()));
        }
        // The directory answers from its cache or the store's reader threads; later frames wait.
        return session.await(Awaiting.RECIPIENT, bare
                ? recipients.decidePostmaster(rcpt.path(), rcpt.parameters())
                : recipients.decide(EmailAddress.parse(rcpt.path(), true), rcpt.parameters(),
                        transaction.senderAddress(), client.trusted()), RecipientDecided::new);
    }

    Behavior<Command> recipientDecided(RecipientDecided decided) {
        RecipientCheck.Decision decision = decided.decision();
        if (decided.failure() != null) {
            log.warn("recipient check failed: {}", decided.failure().toString());
            return session.answer(Replies.DIRECTORY_ERROR);
        } else if (decision instanceof RecipientCheck.Accept accept) {
            return addRecipient(accept.recipient(), accept.parameters());
        } else if (decision instanceof RecipientCheck.Mailbox mailbox) {
            return greylisted(mailbox.recipient(), mailbox.parameters());
        }
        // A 4xx is our fault (the directory), and does not count against the client.
        return session.answer(((RecipientCheck.Refuse) decision).reply());
    }

    private Behavior<Command> addRecipient(EmailAddress recipient, Map<String, String> parameters) {
        transaction.add(recipient, parameters);
        return session.reply(Replies.RECIPIENT_OK);
    }

    /**
     * Greylisting at RCPT (SPEC section 4) for mail to hosted addresses. Our users (the relay
     * networks, authenticated sessions) are not greylisted; the null sender is greylisted after DATA.
     */
    private Behavior<Command> greylisted(EmailAddress recipient, Map<String, String> parameters) {
        Client client = session.client();
        if (!context.greylist().enabled() || client.trusted() || transaction.sender.isEmpty()) {
            return addRecipient(recipient, parameters);
        }
        return session.await(Awaiting.GREYLIST,
                context.greylist().check(client.address(), transaction.sender, recipient),
                (verdict, failure) -> new GreylistChecked(recipient, parameters, verdict, failure));
    }

    Behavior<Command> greylistChecked(GreylistChecked checked) {
        if (checked.failure() != null) {
            log.warn("greylist check of {} failed: {}", checked.recipient(), checked.failure().getMessage());
            return session.reply(Replies.GREYLIST_UNAVAILABLE);
        } else if (checked.verdict().pass()) {
            return addRecipient(checked.recipient(), checked.parameters());
        }
        log.info("greylisted: client=[{}], from=<{}>, to=<{}>: {}", session.client().addressText(),
                transaction.senderAddress(), checked.recipient(), checked.verdict().reason());
        // Not a client error: a sender that retries gets through.
        return session.reply(Replies.GREYLISTED);
    }
}
