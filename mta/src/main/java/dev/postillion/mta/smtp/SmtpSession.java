package dev.postillion.mta.smtp;

import dev.postillion.core.EmailAddress;
import dev.postillion.mta.login.LoginSessions;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.policy.greylist.GreylistTriplet;
import dev.postillion.mta.policy.limits.SenderStanding;
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
import java.util.Queue;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.japi.function.Function2;
import org.apache.pekko.japi.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One SMTP connection's protocol state machine (RFC 5321), the job of Postfix's smtpd(8). Its
 * {@link SessionConnection} frames the bytes; the session answers each frame in order, and while a
 * message is being committed it holds later frames back, so pipelined commands (RFC 2920) are
 * answered in the order they came. The AUTH steps are its {@link SmtpAuth}'s, the MAIL and RCPT
 * steps its {@link EnvelopeCommands}'; they run on the session's thread and answer through it.
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

    /** The password the session logged in with was changed ({@link LoginSessions}). */
    private record LoginRevoked(String why) implements Command {}

    /** The TLS handshake is done: after STARTTLS, or before the greeting on an implicit-TLS port. */
    public record TlsStarted(TlsSession session) implements Command {}

    /** The message's policy has decided; {@code failure} is a bug in it, answered as our fault. */
    private record MessageDecided(MessagePolicy.Outcome outcome, Throwable failure) implements Command {}

    /** The credentials an AUTH exchange offered are checked (SmtpAuth). */
    record AuthChecked(SaslAuthenticator.Verdict verdict, Throwable failure) implements Command {}

    /** The client's message rate is counted at MAIL (EnvelopeCommands). */
    record RateChecked(Transaction started, Boolean allowed, Throwable failure) implements Command {}

    /** The authenticated user's counter has said where the user stands (EnvelopeCommands). */
    record SenderChecked(Transaction started, SenderStanding standing, Throwable failure) implements Command {}

    /** The directory has answered about a recipient at RCPT (EnvelopeCommands). */
    record RecipientDecided(RecipientCheck.Decision decision, Throwable failure) implements Command {}

    /** Greylisting has answered about a recipient at RCPT (EnvelopeCommands). */
    record GreylistChecked(EmailAddress recipient, Map<String, String> parameters,
            GreylistTriplet.Verdict verdict, Throwable failure) implements Command {}

    /**
     * What the session waits for, if anything. While it waits, later frames are held, so that
     * pipelined commands (RFC 2920) are answered in the order they came.
     */
    enum Awaiting {
        NOTHING,
        /** The client's message rate, counted at MAIL. */
        RATE,
        /** The authenticated user's standing against its sending limits, at MAIL. */
        SENDING_LIMITS,
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
    private final SmtpAuth auth;
    private final EnvelopeCommands envelope;
    private final SessionLog sessionLog;
    private final Queue<Frame> held = new ArrayDeque<>();
    private final InetAddress clientAddress;
    /** In {@code postillion.smtp.relay-networks}: may send to domains not hosted here. */
    private final boolean mayRelay;
    private String heloName;
    private boolean esmtp;
    /** Empty until TLS is up on this connection. */
    private Optional<TlsSession> tls = Optional.empty();
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
        this.clientAddress = connection.clientAddress();
        this.mayRelay = context.settings().relayNetworks().contains(clientAddress);
        this.policy = new MessagePolicy(context, ctx.getExecutionContext());
        this.auth = new SmtpAuth(this, context.logins(), context.hostname());
        this.envelope = new EnvelopeCommands(this, context);
        this.sessionLog = new SessionLog(clientAddress, context.role().configName());
        connection.send(Replies.greeting(context.hostname()));
        if (!context.settings().sessionTimeLimit().isZero() && !context.settings().sessionTimeLimit().isNegative()) {
            ctx.scheduleOnce(context.settings().sessionTimeLimit(), ctx.getSelf(), new TimeLimitReached());
        }
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Input.class, this::onInput)
                .onMessage(MessageDecided.class, answered(this::onMessageDecided))
                .onMessage(RecipientDecided.class, answered(envelope::recipientDecided))
                .onMessage(GreylistChecked.class, answered(envelope::greylistChecked))
                .onMessage(RateChecked.class, answered(envelope::rateChecked))
                .onMessage(SenderChecked.class, answered(envelope::senderChecked))
                .onMessage(AuthChecked.class, answered(auth::checked))
                .onMessage(IdleTimeout.class, timeout -> {
                    sessionLog.ended("timeout");
                    return closeWith(Replies.timeout(context.hostname()));
                })
                .onMessage(Drain.class, this::onDrain)
                .onMessage(TimeLimitReached.class, this::onTimeLimitReached)
                .onMessage(LoginRevoked.class, revoked -> endAfterMessage(Replies.loginRevoked(context.hostname(), revoked.why())))
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
        if (frame instanceof CommandLine line && auth.exchanging()) {
            if (line.command() instanceof Data || line.command() instanceof StartTls) {
                // The framer paused after what it took for DATA or STARTTLS; here it is a response.
                connection.resumeCommands();
            }
            return auth.respond(line.text());
        }
        if (frame instanceof CommandLine line) {
            if (lastWord != null && !envelope.underway()) {
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
            auth.abandon();
            return error(Replies.LINE_TOO_LONG);
        }
        if (frame instanceof BareLineFeed) {
            auth.abandon();
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
            return envelope.mail(mail);
        } else if (command instanceof Rcpt rcpt) {
            return envelope.rcpt(rcpt);
        } else if (command instanceof Data) {
            return onData();
        } else if (command.isJunk() && junkLimitReached()) {
            return tooManyErrors();
        } else if (command instanceof Rset) {
            envelope.reset();
            return reply(Replies.OK);
        } else if (command instanceof Noop) {
            return reply(Replies.OK);
        } else if (command instanceof Auth authCommand) {
            return auth.begin(authCommand, envelope.underway());
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
        envelope.reset();
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
                : envelope.underway() ? Replies.TLS_IN_TRANSACTION : null;
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
        envelope.reset();
        sessionLog.tlsStarted(started.session());
        return this;
    }

    private Behavior<Command> onData() {
        Optional<Reply> refusal = envelope.dataRefusal();
        if (refusal.isPresent()) {
            connection.resumeCommands();
            return error(refusal.get());
        }
        connection.startData();
        return reply(Replies.START_DATA);
    }

    private Behavior<Command> onContent(Content content) {
        Transaction finished = envelope.take();
        if (!content.pieces().claim()) {
            connection.contentDecided();
            return this; // the client left meanwhile, and its pieces went with it
        }
        if (content.oversized() || content.unsafeLineEndings()) {
            content.pieces().discard();
            connection.contentDecided();
            return conclude(content.oversized() ? Replies.MESSAGE_TOO_BIG : Replies.UNSAFE_LINE_ENDINGS);
        }
        CompletedMessage message = new CompletedMessage(client(), finished.sender, finished.parameters,
                finished.smtputf8, finished.recipients, content.content(), content.pieces());
        // Released when the policy is done with the content, even if this session has stopped by then.
        CompletionStage<MessagePolicy.Outcome> decided = policy.admit(message)
                .whenComplete((outcome, failure) -> connection.contentDecided());
        return await(Awaiting.MESSAGE, decided, MessageDecided::new);
    }

    private Behavior<Command> onMessageDecided(MessageDecided decided) {
        if (decided.failure() != null) {
            log.error("message policy failed", decided.failure());
            return conclude(Replies.LOCAL_ERROR);
        }
        if (decided.outcome() instanceof MessagePolicy.Queued) {
            context.metrics().accepted();
        }
        return conclude(decided.outcome().reply());
    }

    /** The client as the session knows it now: for the message's policy, its envelope and trace fields. */
    Client client() {
        return new Client(clientAddress, heloName, esmtp, mayRelay, tls, auth.user());
    }

    /**
     * Holds later frames back until {@code answer} completes off the session's thread and comes
     * back as a message, so that pipelined commands are answered in order (RFC 2920).
     */
    <T> Behavior<Command> await(Awaiting what, CompletionStage<T> answer, Function2<T, Throwable, Command> message) {
        awaiting = what;
        getContext().pipeToSelf(answer, message);
        return this;
    }

    /** The step for an awaited answer: it is handled, then the frames held meanwhile. */
    private <T extends Command> Function<T, Behavior<Command>> answered(Function<T, Behavior<Command>> step) {
        return answer -> {
            awaiting = Awaiting.NOTHING;
            return resumeHeld(step.apply(answer));
        };
    }

    /** Handles the frames that arrived while an answer was awaited, until another is awaited. */
    private Behavior<Command> resumeHeld(Behavior<Command> next) {
        while (next == this && awaiting == Awaiting.NOTHING && !held.isEmpty()) {
            next = handle(held.poll());
        }
        return next;
    }

    /**
     * The reply to a command whose outcome took time (a DATA transaction, AUTH, a message rate);
     * a session told to end meanwhile (draining, out of time) closes after it.
     */
    Behavior<Command> conclude(Reply reply) {
        if (lastWord != null) {
            send(reply);
            return closeWith(lastWord);
        }
        return answer(reply);
    }

    /** A 5xx is the client's error; a 4xx is our fault (the spool, the directory) and not counted. */
    Behavior<Command> answer(Reply reply) {
        return reply.code() >= 500 ? error(reply) : reply(reply);
    }

    private Behavior<Command> onDrain(Drain drain) {
        lastWord = Replies.shuttingDown(context.hostname());
        return !envelope.underway() && awaiting == Awaiting.NOTHING ? closeWith(lastWord) : this;
    }

    /** The session has lasted {@code session-time-limit}. */
    private Behavior<Command> onTimeLimitReached(TimeLimitReached reached) {
        return endAfterMessage(Replies.sessionTimeLimit(context.hostname()));
    }

    /**
     * Ends the session with {@code lastWord} now, unless a message's content is in and being
     * decided: the client hears that decision first (a 250 it never saw would have it send the
     * message again), then the last word.
     */
    private Behavior<Command> endAfterMessage(Reply lastWord) {
        if (awaiting == Awaiting.MESSAGE) {
            this.lastWord = lastWord;
            return this;
        }
        return closeWith(lastWord);
    }

    /** Where {@link LoginSessions} tells this session that its login is revoked. */
    ActorRef<LoginSessions.Revoked> revocations() {
        return getContext().messageAdapter(LoginSessions.Revoked.class, revoked -> new LoginRevoked(revoked.why()));
    }

    ActorRef<Command> self() {
        return getContext().getSelf();
    }

    Behavior<Command> reply(Reply reply) {
        send(reply);
        return this;
    }

    /** Every reply to a command goes out here, so that the session's log and metrics count it. */
    private void send(Reply reply) {
        record(reply);
        connection.send(reply);
    }

    private void record(Reply reply) {
        sessionLog.replied(reply, envelope.senderAddress(), heloName, esmtp);
        context.metrics().replied(reply);
    }

    /** A reply to a client error; too many of them end the session (RFC 5321 section 4.3.2, 421). */
    Behavior<Command> error(Reply reply) {
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
    Behavior<Command> closeWith(Reply reply) {
        record(reply);
        connection.sendAndClose(reply);
        return Behaviors.stopped();
    }
}
