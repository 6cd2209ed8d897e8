package dev.postillion.mta.smtp;

import dev.postillion.core.EmailAddress;
import dev.postillion.core.Envelope;
import dev.postillion.mta.policy.greylist.GreylistTriplet;
import dev.postillion.mta.smtp.SmtpCommand.Auth;
import dev.postillion.mta.smtp.SmtpCommand.Data;
import dev.postillion.mta.smtp.SmtpCommand.Ehlo;
import dev.postillion.mta.smtp.SmtpCommand.Helo;
import dev.postillion.mta.smtp.SmtpCommand.Help;
import dev.postillion.mta.smtp.SmtpCommand.Mail;
import dev.postillion.mta.smtp.SmtpCommand.Malformed;
import dev.postillion.mta.smtp.SmtpCommand.Noop;
import dev.postillion.mta.smtp.SmtpCommand.NotImplemented;
import dev.postillion.mta.smtp.SmtpCommand.Quit;
import dev.postillion.mta.smtp.SmtpCommand.Rcpt;
import dev.postillion.mta.smtp.SmtpCommand.Rset;
import dev.postillion.mta.smtp.SmtpCommand.StartTls;
import dev.postillion.mta.smtp.SmtpCommand.Vrfy;
import dev.postillion.mta.smtp.SmtpFramer.BareLineFeed;
import dev.postillion.mta.smtp.SmtpFramer.CommandLine;
import dev.postillion.mta.smtp.SmtpFramer.Content;
import dev.postillion.mta.smtp.SmtpFramer.Frame;
import dev.postillion.mta.smtp.SmtpFramer.LineTooLong;
import dev.postillion.mta.tls.TlsSession;
import java.net.InetAddress;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.Queue;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection's protocol state machine (RFC 5321), the job of Postfix's smtpd(8). Its
 * {@link SessionConnection} frames the bytes; the session answers each frame in order, and while a
 * message is being committed it holds later frames back, so pipelined commands (RFC 2920) are
 * answered in the order they came.
 */
public final class SmtpSession extends AbstractBehavior<SmtpSession.Command> {

    public sealed interface Command {}

    /** A frame from the client: a command line, an over-long line, or a message's content. */
    public record Input(Frame frame) implements Command {}

    /** Nothing arrived for the idle timeout (RFC 5321 section 4.5.3.2). */
    public record IdleTimeout() implements Command {}

    /** The connection is gone. */
    public record Disconnected() implements Command {}

    /** The node is stopping: finish the transaction in flight, then say 421 and close. */
    public record Drain() implements Command {}

    /** The node is stopping and the grace period is over: say 421 and close now. */
    public record Close() implements Command {}

    /** {@code postillion.smtp.session-time-limit} has passed since the greeting. */
    private record TimeLimitReached() implements Command {}

    /** The TLS handshake is done: after STARTTLS, or before the greeting on an implicit-TLS port. */
    public record TlsStarted(TlsSession session) implements Command {}

    /** The message's policy has decided; {@code failure} is a bug in it, answered as our fault. */
    private record MessageDecided(MessagePolicy.Outcome outcome, Throwable failure) implements Command {}

    private record AuthChecked(SaslAuthenticator.Verdict verdict, Throwable failure) implements Command {}

    private record RateChecked(Transaction started, Boolean allowed, Throwable failure) implements Command {}

    private record RecipientDecided(RecipientCheck.Decision decision, Throwable failure) implements Command {}

    private record GreylistChecked(EmailAddress recipient, Map<String, String> parameters,
            GreylistTriplet.Verdict verdict, Throwable failure) implements Command {}

    /**
     * What the session waits for, if anything. While it waits, later frames are held, so that
     * pipelined commands (RFC 2920) are answered in the order they came.
     */
    private enum Awaiting {
        NOTHING,
        /** The client's message rate, counted at MAIL. */
        RATE,
        /** The directory's answer about a recipient at RCPT. */
        RECIPIENT,
        /** A greylisting verdict at RCPT. */
        GREYLIST,
        /** The check of the credentials an AUTH exchange offered, with its delay after a failure. */
        AUTH,
        /** The message's policy, after its content (ending in the spool commit). */
        MESSAGE
    }

    /** A static logger: an actor's own getLog() inspects the stack once per actor, i.e. per connection. */
    private static final Logger log = LoggerFactory.getLogger(SmtpSession.class);

    private final ListenerContext context;
    private final SessionConnection connection;
    private final MessagePolicy policy;
    private final CommandArguments arguments;
    private final RecipientCheck recipients;
    private final SessionLog sessionLog;
    private final Queue<Frame> held = new ArrayDeque<>();
    /** The client's address as text, for the envelope and the log. */
    private final String clientAddress;
    /** In {@code postillion.smtp.relay-networks}: may send to domains not hosted here. */
    private final boolean mayRelay;
    private String heloName;
    private boolean esmtp;
    /** Empty until TLS is up on this connection. */
    private Optional<TlsSession> tls = Optional.empty();
    /** Empty until SMTP AUTH succeeds (RFC 4954). */
    private Optional<SaslAuthenticator.Accepted> user = Optional.empty();
    /** The AUTH exchange under way: the client's lines are its responses, not commands. */
    private AuthExchange exchange;
    private Transaction transaction;
    private int errors;
    /** NOOP, RSET, VRFY and HELP so far: they keep a connection open without moving mail. */
    private int junkCommands;
    private Awaiting awaiting = Awaiting.NOTHING;
    /**
     * The 421 that ends the session once the transaction in flight is answered: set when the node
     * drains, or when the session's time is up while its message is being decided.
     */
    private Reply lastWord;

    public static Behavior<Command> create(ListenerContext context, SessionConnection connection) {
        return Behaviors.setup(ctx -> new SmtpSession(ctx, context, connection));
    }

    private SmtpSession(ActorContext<Command> ctx, ListenerContext context, SessionConnection connection) {
        super(ctx);
        this.context = context;
        this.connection = connection;
        InetAddress client = connection.clientAddress();
        this.clientAddress = client.getHostAddress();
        this.mayRelay = context.settings().relayNetworks().contains(client);
        this.policy = new MessagePolicy(context, ctx.getExecutionContext());
        this.arguments = new CommandArguments(context.settings().maxMessageSize());
        this.recipients = new RecipientCheck(context.srs(), context.directory(), context.postmaster());
        this.sessionLog = new SessionLog(client);
        connection.send(Replies.greeting(context.hostname()));
        if (!context.settings().sessionTimeLimit().isZero() && !context.settings().sessionTimeLimit().isNegative()) {
            ctx.scheduleOnce(context.settings().sessionTimeLimit(), ctx.getSelf(), new TimeLimitReached());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Input.class, this::onInput)
                .onMessage(MessageDecided.class, this::onMessageDecided)
                .onMessage(RecipientDecided.class, this::onRecipientDecided)
                .onMessage(GreylistChecked.class, this::onGreylistChecked)
                .onMessage(RateChecked.class, this::onRateChecked)
                .onMessage(AuthChecked.class, this::onAuthChecked)
                .onMessage(IdleTimeout.class, timeout -> {
                    sessionLog.ended("timeout");
                    return closeWith(Replies.timeout(context.hostname()));
                })
                .onMessage(Drain.class, this::onDrain)
                .onMessage(TimeLimitReached.class, this::onTimeLimitReached)
                .onMessage(TlsStarted.class, this::onTlsStarted)
                .onMessage(Close.class, close -> closeWith(Replies.shuttingDown(context.hostname())))
                .onMessage(Disconnected.class, gone -> Behaviors.stopped())
                .onSignal(PostStop.class, stopped -> onStopped())
                .build();
    }

    /** However the session ends, even on a bug, its connection ends with it. */
    private Behavior<Command> onStopped() {
        sessionLog.disconnected();
        connection.close();
        return this;
    }

    private Behavior<Command> onInput(Input input) {
        if (awaiting != Awaiting.NOTHING) {
            held.add(input.frame());
            return this;
        }
        return handle(input.frame());
    }

    private Behavior<Command> handle(Frame frame) {
        if (frame instanceof CommandLine line && exchange != null) {
            if (line.command() instanceof Data || line.command() instanceof StartTls) {
                // The framer paused after what it took for DATA or STARTTLS; here it is a response.
                connection.resumeCommands();
            }
            return onAuthStep(exchange.respond(line.text()));
        }
        if (frame instanceof CommandLine line) {
            if (lastWord != null && transaction == null) {
                return closeWith(lastWord);
            }
            sessionLog.command(line.command());
            return onCommand(line.command());
        }
        if (frame instanceof Content content) {
            return onContent(content);
        }
        sessionLog.unreadable();
        if (frame instanceof LineTooLong) {
            exchange = null;
            return error(Replies.LINE_TOO_LONG);
        }
        if (frame instanceof BareLineFeed) {
            exchange = null;
            return error(Replies.BARE_LINE_FEED);
        }
        throw new IllegalArgumentException("unknown frame " + frame);
    }

    private Behavior<Command> onCommand(SmtpCommand command) {
        if (command instanceof Ehlo ehlo) {
            return onHelo(ehlo.domain(), true);
        } else if (command instanceof Helo helo) {
            return onHelo(helo.domain(), false);
        } else if (command instanceof Mail mail) {
            return onMail(mail);
        } else if (command instanceof Rcpt rcpt) {
            return onRcpt(rcpt);
        } else if (command instanceof Data) {
            return onData();
        } else if (command.isJunk() && junkLimitReached()) {
            return tooManyErrors();
        } else if (command instanceof Rset) {
            transaction = null;
            return reply(Replies.OK);
        } else if (command instanceof Noop) {
            return reply(Replies.OK);
        } else if (command instanceof Auth auth) {
            return onAuth(auth);
        } else if (command instanceof StartTls) {
            return onStartTls();
        } else if (command instanceof Quit) {
            return closeWith(Replies.BYE);
        } else if (command instanceof Vrfy) {
            return reply(Replies.CANNOT_VRFY);
        } else if (command instanceof Help) {
            return reply(Replies.HELP);
        } else if (command instanceof NotImplemented) {
            return error(Replies.NOT_IMPLEMENTED);
        } else if (command instanceof Malformed malformed) {
            return error(malformed.reply());
        }
        return error(Replies.UNKNOWN_COMMAND);
    }

    /** Counts a junk command; true once there are more than {@code junk-command-limit}. */
    private boolean junkLimitReached() {
        junkCommands++;
        int limit = context.settings().junkCommandLimit();
        return limit > 0 && junkCommands > limit;
    }

    /** RFC 5321 section 4.1.4: EHLO or HELO also resets any transaction. */
    private Behavior<Command> onHelo(String domain, boolean extended) {
        heloName = domain;
        esmtp = extended;
        transaction = null;
        if (!extended) {
            return reply(Reply.plain(250, context.hostname()));
        }
        return reply(Replies.ehlo(context.hostname(), context.settings().maxMessageSize(), tls.isPresent()));
    }

    /**
     * RFC 3207 section 4: outside a transaction and once per connection. The connection drops
     * what the client pipelined after the command before it sends the 220 (section 4.2).
     */
    private Behavior<Command> onStartTls() {
        Reply refusal = tls.isPresent() ? Replies.TLS_ALREADY_ACTIVE
                : transaction != null ? Replies.TLS_IN_TRANSACTION : null;
        if (refusal != null) {
            connection.resumeCommands();
            return error(refusal);
        }
        sessionLog.replied(Replies.READY_FOR_TLS, Optional.empty(), heloName, esmtp);
        connection.startTls(Replies.READY_FOR_TLS);
        return this;
    }

    /**
     * RFC 3207 section 4.2: the session starts afresh under TLS, forgetting what the client said
     * before; it must send EHLO again.
     */
    private Behavior<Command> onTlsStarted(TlsStarted started) {
        tls = Optional.of(started.session());
        heloName = null;
        esmtp = false;
        transaction = null;
        sessionLog.tlsStarted(started.session());
        return this;
    }

    /**
     * SMTP AUTH (RFC 4954 section 4): once, outside a transaction, and only under TLS (RFC 4954
     * section 4 lets a server refuse a mechanism without it: 538).
     */
    private Behavior<Command> onAuth(Auth auth) {
        Optional<AuthExchange> started = AuthExchange.of(auth);
        Reply refusal = tls.isEmpty() ? Replies.AUTH_NEEDS_TLS
                : heloName == null || !esmtp ? Replies.NEED_HELO
                : user.isPresent() ? Replies.AUTH_ALREADY
                : transaction != null ? Replies.AUTH_IN_TRANSACTION
                : started.isEmpty() ? Replies.AUTH_UNKNOWN_MECHANISM : null;
        if (refusal != null) {
            return error(refusal);
        }
        exchange = started.get();
        return onAuthStep(exchange.start(auth.initialResponse()));
    }

    private Behavior<Command> onAuthStep(AuthExchange.Step step) {
        if (step instanceof AuthExchange.Challenge challenge) {
            return reply(challenge.reply());
        }
        exchange = null;
        if (step instanceof AuthExchange.Ended ended) {
            return error(ended.reply());
        }
        awaiting = Awaiting.AUTH;
        getContext().pipeToSelf(context.logins().check(connection.clientAddress(),
                ((AuthExchange.Offered) step).credentials()), AuthChecked::new);
        return this;
    }

    private Behavior<Command> onAuthChecked(AuthChecked checked) {
        awaiting = Awaiting.NOTHING;
        if (checked.failure() != null) {
            log.error("auth check failed: {}", checked.failure().toString());
            return resumeHeld(reply(Replies.AUTH_UNAVAILABLE));
        }
        Reply reply = Replies.AUTH_SUCCEEDED;
        if (checked.verdict() instanceof SaslAuthenticator.Accepted accepted) {
            user = Optional.of(accepted);
        } else {
            SaslAuthenticator.Refused refused = (SaslAuthenticator.Refused) checked.verdict();
            if (refused.close()) {
                return closeWith(refused.reply());
            }
            reply = refused.reply();
        }
        return resumeHeld(conclude(reply));
    }

    private Behavior<Command> onMail(Mail mail) {
        if (heloName == null) {
            return error(Replies.NEED_HELO);
        }
        if (context.role().requiresAuth() && user.isEmpty()) {
            // RFC 6409 section 4.3 and RFC 8314: the submission ports take mail from users only.
            return error(Replies.AUTH_REQUIRED);
        }
        if (transaction != null) {
            return error(Replies.NESTED_MAIL);
        }
        Optional<Reply> refused = arguments.mailParameterProblem(mail.parameters(), esmtp);
        if (refused.isPresent()) {
            return error(refused.get());
        }
        boolean smtputf8 = mail.parameters().containsKey("SMTPUTF8");
        Optional<EmailAddress> sender;
        if (mail.path().isEmpty()) {
            sender = Optional.empty();
        } else {
            Optional<Reply> bad = CommandArguments.addressProblem(mail.path(), smtputf8, Replies.BAD_SENDER_SYNTAX);
            if (bad.isPresent()) {
                return error(bad.get());
            }
            sender = Optional.of(EmailAddress.parse(mail.path(), smtputf8));
        }
        if (!mayUseSender(sender)) {
            log.info("client=[{}], sasl_username=<{}>: sender <{}> denied", clientAddress, user.get().user(),
                    mail.path());
            return error(Replies.SENDER_DENIED);
        }
        Transaction started = new Transaction(sender, DsnParameters.canonical(mail.parameters()), smtputf8);
        if (context.rates().enabled() && !mayRelay) {
            return checkRate(started);
        }
        transaction = started;
        return reply(Replies.SENDER_OK);
    }

    /**
     * Counts a message against the client's rate ({@code postillion.limits.message-rate-per-client}),
     * as Postfix counts MAIL commands for {@code smtpd_client_message_rate_limit}. Clients in the
     * relay networks are not counted. Over the limit, MAIL gets {@code 451 4.7.1} (RFC 3463
     * section 3.8: delivery not authorized), a temporary refusal that a sender's queue retries.
     */
    private Behavior<Command> checkRate(Transaction started) {
        awaiting = Awaiting.RATE;
        getContext().pipeToSelf(context.rates().allowMessage(connection.clientAddress()),
                (allowed, failure) -> new RateChecked(started, allowed, failure));
        return this;
    }

    private Behavior<Command> onRateChecked(RateChecked checked) {
        awaiting = Awaiting.NOTHING;
        if (checked.failure() != null) {
            // The counter did not answer: our fault, so the client is not refused for it (rule 7).
            log.warn("message rate of [{}] not counted: {}", clientAddress, checked.failure().getMessage());
        } else if (!checked.allowed()) {
            log.info("client=[{}], from=<{}>: message rate limit exceeded", clientAddress,
                    checked.started().senderAddress());
            return resumeHeld(conclude(Replies.RATE_LIMITED));
        }
        transaction = checked.started();
        return resumeHeld(reply(Replies.SENDER_OK));
    }

    /**
     * The sender guard (SPEC section 5): an authenticated user sends as itself or one of its
     * aliases, or as the null sender; anyone else's address is refused (553 5.7.1).
     */
    private boolean mayUseSender(Optional<EmailAddress> sender) {
        return user.isEmpty() || sender.isEmpty() || user.get().ownAddresses().contains(sender.get().key());
    }

    private Behavior<Command> onRcpt(Rcpt rcpt) {
        if (transaction == null) {
            return error(heloName == null ? Replies.NEED_HELO : Replies.NEED_MAIL);
        }
        transaction.rcptAttempted = true;
        Optional<Reply> refused = CommandArguments.rcptParameterProblem(rcpt.parameters(), esmtp);
        if (refused.isPresent()) {
            return error(refused.get());
        }
        boolean bare = Postmaster.isBare(rcpt.path());
        Optional<Reply> bad = bare ? Optional.empty() : CommandArguments.addressProblem(rcpt.path(),
                transaction.smtputf8, Replies.BAD_RECIPIENT_SYNTAX);
        if (bad.isPresent()) {
            return error(bad.get());
        }
        if (transaction.recipients.size() >= context.settings().maxRecipients()) {
            return reply(Replies.TOO_MANY_RECIPIENTS);
        }
        // The directory answers from its cache or the store's reader threads; later frames wait.
        awaiting = Awaiting.RECIPIENT;
        getContext().pipeToSelf(bare ? recipients.decidePostmaster(rcpt.path(), rcpt.parameters())
                : recipients.decide(EmailAddress.parse(rcpt.path(), true), rcpt.parameters(),
                        transaction.senderAddress(), trusted()), RecipientDecided::new);
        return this;
    }

    private Behavior<Command> onRecipientDecided(RecipientDecided decided) {
        awaiting = Awaiting.NOTHING;
        RecipientCheck.Decision decision = decided.decision();
        Behavior<Command> next;
        if (decided.failure() != null) {
            log.warn("recipient check failed: {}", decided.failure().toString());
            next = answer(Replies.DIRECTORY_ERROR);
        } else if (decision instanceof RecipientCheck.Accept accept) {
            next = addRecipient(accept.recipient(), accept.parameters());
        } else if (decision instanceof RecipientCheck.Mailbox mailbox) {
            next = greylisted(mailbox.recipient(), mailbox.parameters());
        } else {
            // A 4xx is our fault (the directory), and does not count against the client.
            next = answer(((RecipientCheck.Refuse) decision).reply());
        }
        return resumeHeld(next);
    }

    private Behavior<Command> addRecipient(EmailAddress recipient, Map<String, String> parameters) {
        // The same recipient twice in one transaction is one delivery, as in Postfix's cleanup(8);
        // different addresses of one mailbox (aliases) remain separate.
        if (transaction.recipients.stream().noneMatch(r -> r.address().key().equals(recipient.key()))) {
            transaction.recipients.add(new Envelope.Recipient(recipient, DsnParameters.canonical(parameters)));
        }
        return reply(Replies.RECIPIENT_OK);
    }

    private Behavior<Command> onData() {
        Reply refusal = transaction == null ? (heloName == null ? Replies.NEED_HELO : Replies.NEED_MAIL)
                : transaction.recipients.isEmpty()
                        ? (transaction.rcptAttempted ? Replies.NO_VALID_RECIPIENTS : Replies.NEED_RCPT)
                        : null;
        if (refusal != null) {
            connection.resumeCommands();
            return error(refusal);
        }
        connection.startData();
        return reply(Replies.START_DATA);
    }

    private Behavior<Command> onContent(Content content) {
        Transaction finished = transaction;
        transaction = null;
        if (!content.pieces().claim()) {
            connection.contentDecided();
            return this; // the client left meanwhile, and its pieces went with it
        }
        if (content.oversized() || content.unsafeLineEndings()) {
            content.pieces().discard();
            connection.contentDecided();
            return conclude(content.oversized() ? Replies.MESSAGE_TOO_BIG : Replies.UNSAFE_LINE_ENDINGS);
        }
        awaiting = Awaiting.MESSAGE;
        CompletedMessage message = new CompletedMessage(client(), finished.sender, finished.parameters,
                finished.smtputf8, finished.recipients, content.content(), content.pieces());
        // Released when the policy is done with the content, even if this session has stopped by then.
        CompletionStage<MessagePolicy.Outcome> decided = policy.admit(message)
                .whenComplete((outcome, failure) -> connection.contentDecided());
        getContext().pipeToSelf(decided, MessageDecided::new);
        return this;
    }

    private Behavior<Command> onMessageDecided(MessageDecided decided) {
        awaiting = Awaiting.NOTHING;
        if (decided.failure() != null) {
            log.error("message policy failed: {}", decided.failure().toString());
            return resumeHeld(conclude(Replies.LOCAL_ERROR));
        }
        return resumeHeld(conclude(decided.outcome().reply()));
    }

    /** The client as the message's policy, envelope and trace fields see it. */
    private Client client() {
        return new Client(connection.clientAddress(), heloName, esmtp, mayRelay, tls, user);
    }

    /** One of our users: in the relay networks, or authenticated. */
    private boolean trusted() {
        return mayRelay || user.isPresent();
    }

    /** Handles the commands that arrived while an answer was awaited, until another is awaited. */
    private Behavior<Command> resumeHeld(Behavior<Command> next) {
        while (next == this && awaiting == Awaiting.NOTHING && !held.isEmpty()) {
            next = handle(held.poll());
        }
        return next;
    }

    /**
     * Greylisting at RCPT (SPEC section 4) for mail to hosted addresses. Our users (the relay
     * networks, authenticated sessions) are not greylisted; the null sender is greylisted after DATA.
     */
    private Behavior<Command> greylisted(EmailAddress recipient, Map<String, String> parameters) {
        if (!context.greylist().enabled() || trusted() || transaction.sender.isEmpty()) {
            return addRecipient(recipient, parameters);
        }
        awaiting = Awaiting.GREYLIST;
        getContext().pipeToSelf(context.greylist().check(connection.clientAddress(), transaction.sender, recipient),
                (verdict, failure) -> new GreylistChecked(recipient, parameters, verdict, failure));
        return this;
    }

    private Behavior<Command> onGreylistChecked(GreylistChecked checked) {
        awaiting = Awaiting.NOTHING;
        Behavior<Command> next;
        if (checked.failure() != null) {
            log.warn("greylist check of {} failed: {}", checked.recipient(), checked.failure().getMessage());
            next = reply(Replies.GREYLIST_UNAVAILABLE);
        } else if (checked.verdict().pass()) {
            next = addRecipient(checked.recipient(), checked.parameters());
        } else {
            log.info("greylisted: client=[{}], from=<{}>, to=<{}>: {}", clientAddress, transaction.senderAddress(),
                    checked.recipient(), checked.verdict().reason());
            // Not a client error: a sender that retries gets through.
            next = reply(Replies.GREYLISTED);
        }
        return resumeHeld(next);
    }

    /**
     * The reply to a command whose outcome took time (a DATA transaction, AUTH, a message rate);
     * a session told to end meanwhile (draining, out of time) closes after it.
     */
    private Behavior<Command> conclude(Reply reply) {
        if (lastWord != null) {
            send(reply);
            return closeWith(lastWord);
        }
        return answer(reply);
    }

    /** A 5xx is the client's error; a 4xx is our fault (the spool, the directory) and not counted. */
    private Behavior<Command> answer(Reply reply) {
        return reply.code() >= 500 ? error(reply) : reply(reply);
    }

    private Behavior<Command> onDrain(Drain drain) {
        lastWord = Replies.shuttingDown(context.hostname());
        return transaction == null && awaiting == Awaiting.NOTHING ? closeWith(lastWord) : this;
    }

    /**
     * The session has lasted {@code session-time-limit}: it ends now, unless a message's content
     * is in and being decided, whose reply the client gets first (a 250 it never saw would have
     * it send the message again).
     */
    private Behavior<Command> onTimeLimitReached(TimeLimitReached reached) {
        Reply expired = Replies.sessionTimeLimit(context.hostname());
        if (awaiting == Awaiting.MESSAGE) {
            lastWord = expired;
            return this;
        }
        return closeWith(expired);
    }

    private Behavior<Command> reply(Reply reply) {
        send(reply);
        return this;
    }

    /** Every reply to a command goes out here, so that the session's log counts and names it. */
    private void send(Reply reply) {
        logReply(reply);
        connection.send(reply);
    }

    private void logReply(Reply reply) {
        sessionLog.replied(reply, Optional.ofNullable(transaction).map(Transaction::senderAddress), heloName, esmtp);
    }

    /** A reply to a client error; too many of them end the session (RFC 5321 section 4.3.2, 421). */
    private Behavior<Command> error(Reply reply) {
        send(reply);
        errors++;
        return errors >= context.settings().errorLimit() ? tooManyErrors() : this;
    }

    /** Over the error or junk command limit (Postfix's smtpd_hard_error_limit, smtpd_junk_command_limit). */
    private Behavior<Command> tooManyErrors() {
        sessionLog.ended("too many errors");
        return closeWith(Replies.tooManyErrors(context.hostname()));
    }

    /** Sends a last reply and closes; the session stops when the connection reports it is gone. */
    private Behavior<Command> closeWith(Reply reply) {
        logReply(reply);
        connection.sendAndClose(reply);
        return Behaviors.stopped();
    }
}
