package dev.postillion.mta.managesieve;

import dev.postillion.core.EmailAddress;
import dev.postillion.mailbox.AppPassword;
import dev.postillion.mta.login.LoginSessions;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.login.SaslCredentials;
import dev.postillion.mta.login.SaslDecoding;
import dev.postillion.sieve.SieveScript;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One ManageSieve connection's session (RFC 5804): the unauthenticated state (CAPABILITY,
 * STARTTLS, AUTHENTICATE PLAIN, as IMAP's and POP3's logins: throttle, lockout, disabled
 * addresses, domains in maintenance), then the authenticated one, whose script commands are
 * {@link ScriptCommands}. Runs on its connection's event loop, one command at a time; whatever
 * waits for the directory or the password check continues as a message ({@link Resume}), and the
 * next command is framed only when this one is answered.
 */
public final class ManageSieveSession extends AbstractBehavior<ManageSieveSession.Command> {

    public sealed interface Command {}

    /** A whole command, its literals included, or the client's response in AUTHENTICATE. */
    record Received(byte[] command) implements Command {}

    /**
     * A command whose literal was larger than the largest script, or that had more literals than
     * any command takes ({@code tooManyLiterals}): it was dropped, unread.
     */
    record Oversized(boolean tooManyLiterals) implements Command {}

    record Idle() implements Command {}

    record Disconnected() implements Command {}

    record Shutdown() implements Command {}

    private record Resume(Runnable step) implements Command {}

    /** The credential the session logged in with was changed or revoked ({@link LoginSessions}). */
    private record LoginRevoked(String why) implements Command {}

    private static final Logger log = LoggerFactory.getLogger(ManageSieveSession.class);
    private static final List<String> SCRIPT_COMMANDS = List.of("HAVESPACE", "PUTSCRIPT", "CHECKSCRIPT",
            "LISTSCRIPTS", "SETACTIVE", "GETSCRIPT", "DELETESCRIPT", "RENAMESCRIPT");

    private final ManageSieveContext context;
    private final ManageSieveConnection connection;
    private boolean tls;
    /** The user logged in; null before AUTHENTICATE and after UNAUTHENTICATE. */
    private EmailAddress user;
    private ScriptCommands scripts;
    /** What the next command is instead: AUTHENTICATE's response. */
    private Consumer<String> continuation;
    private boolean closing;

    static Behavior<Command> create(ManageSieveContext context, ManageSieveConnection connection, boolean tls) {
        return Behaviors.setup(ctx -> new ManageSieveSession(ctx, context, connection, tls));
    }

    private ManageSieveSession(ActorContext<Command> ctx, ManageSieveContext context,
            ManageSieveConnection connection, boolean tls) {
        super(ctx);
        this.context = context;
        this.connection = connection;
        this.tls = tls;
        // RFC 5804 section 1.7: the greeting is the capabilities and OK.
        reply(capabilities() + "OK \"" + context.hostname() + " ManageSieve ready\"");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Received.class, this::onReceived)
                .onMessage(Oversized.class, oversized -> {
                    continuation = null; // an AUTHENTICATE response that large is no response
                    reply(oversized.tooManyLiterals() ? "NO \"a command has at most two literals\""
                            : "NO (QUOTA/MAXSIZE) \"a script is at most " + context.maxLiteral() + " bytes\"");
                    return this;
                })
                .onMessage(Resume.class, resume -> {
                    resume.step().run();
                    return closing ? Behaviors.stopped() : this;
                })
                .onMessage(LoginRevoked.class, revoked -> bye(revoked.why()))
                .onMessage(Idle.class, idle -> bye("idle for too long"))
                .onMessage(Shutdown.class, shutdown -> bye("the server is shutting down"))
                .onMessage(Disconnected.class, gone -> Behaviors.stopped())
                .build();
    }

    /** RFC 5804 section 1.3: BYE, then the connection closes. */
    private Behavior<Command> bye(String why) {
        log.info("{}: ManageSieve session from [{}] closed: {}", user == null ? "not logged in" : user.key(),
                connection.clientAddress().getHostAddress(), why);
        connection.send(line("BYE " + ManageSieveStrings.string(why)));
        connection.close();
        return Behaviors.stopped();
    }

    private Behavior<Command> onReceived(Received received) {
        if (continuation != null) {
            Consumer<String> next = continuation;
            continuation = null;
            // The response is one string (RFC 5804 section 2.1); anything else cancels.
            List<String> words;
            try {
                words = ManageSieveCommand.words(received.command());
            } catch (ManageSieveCommand.BadSyntax e) {
                words = List.of();
            }
            next.accept(words.size() == 1 ? words.get(0) : SaslDecoding.CANCEL);
            return closing ? Behaviors.stopped() : this;
        }
        try {
            run(ManageSieveCommand.parse(received.command()));
        } catch (ManageSieveCommand.BadSyntax e) {
            reply("NO " + ManageSieveStrings.string(e.problem()));
        }
        return closing ? Behaviors.stopped() : this;
    }

    private void run(ManageSieveCommand command) {
        switch (command.name()) {
            case "CAPABILITY" -> reply(capabilities() + "OK");
            case "STARTTLS" -> startTls();
            case "AUTHENTICATE" -> authenticate(command.arguments());
            case "NOOP" -> reply(command.arguments().isEmpty() ? "OK \"Done\""
                    : "OK (TAG " + ManageSieveStrings.string(command.arguments().get(0)) + ") \"Done\"");
            case "UNAUTHENTICATE" -> unauthenticate();
            case "LOGOUT" -> logout();
            default -> {
                if (!SCRIPT_COMMANDS.contains(command.name())) {
                    reply("NO \"unknown command " + command.name().replaceAll("[^A-Z0-9]", "?") + "\"");
                } else if (scripts == null) {
                    reply("NO \"log in first (AUTHENTICATE)\"");
                } else {
                    scripts.run(command);
                }
            }
        }
    }

    /** RFC 5804 section 1.7; SASL PLAIN only where a password may be sent, STARTTLS only before TLS and login. */
    private String capabilities() {
        StringBuilder lines = new StringBuilder()
                .append("\"IMPLEMENTATION\" \"Postillion\"\r\n")
                .append("\"SIEVE\" ").append(ManageSieveStrings.string(String.join(" ", SieveScript.extensions())))
                .append("\r\n")
                .append("\"SASL\" \"").append(user == null && loginAllowed() ? "PLAIN" : "").append("\"\r\n");
        if (!tls && context.tls() != null && user == null) {
            lines.append("\"STARTTLS\"\r\n");
        }
        if (user != null) {
            lines.append("\"OWNER\" ").append(ManageSieveStrings.string(user.key())).append("\r\n");
        }
        return lines.append("\"VERSION\" \"1.0\"\r\n").append("\"UNAUTHENTICATE\"\r\n").toString();
    }

    /** RFC 2595 section 2.3, as IMAP: passwords only under TLS, but for the networks trusted with them in clear. */
    private boolean loginAllowed() {
        return tls || context.plaintextLogins().contains(connection.clientAddress());
    }

    /**
     * RFC 5804 section 2.2: OK in plain text, then TLS; whatever the client sent after the command
     * is dropped, and the capabilities are sent again under TLS, as they may have changed.
     */
    private void startTls() {
        if (tls || context.tls() == null || user != null) {
            reply("NO \"" + (tls ? "TLS is already active" : user != null ? "already logged in"
                    : "STARTTLS is not offered") + "\"");
            return;
        }
        connection.startTls(line("OK \"Begin TLS negotiation now\""));
        tls = true;
        reply(capabilities() + "OK \"TLS negotiation successful\"");
    }

    /** RFC 5804 section 2.1: AUTHENTICATE "PLAIN" with an initial response, or after the server's "". */
    private void authenticate(List<String> arguments) {
        if (user != null) {
            reply("NO \"already logged in\"");
        } else if (arguments.isEmpty() || !arguments.get(0).equalsIgnoreCase("PLAIN")) {
            reply("NO \"only the PLAIN mechanism is offered\"");
        } else if (!loginAllowed()) {
            reply("NO (ENCRYPT-NEEDED) \"log in after STARTTLS\"");
        } else if (arguments.size() > 1) {
            plainResponse(arguments.get(1));
        } else {
            continuation = this::plainResponse;
            connection.send(line("\"\""));
            connection.next();
        }
    }

    private void plainResponse(String response) {
        if (response.equals(SaslDecoding.CANCEL)) {
            reply("NO \"authentication cancelled\"");
            return;
        }
        Optional<SaslCredentials> credentials = SaslDecoding.plain(response);
        if (credentials.isEmpty()) {
            reply("NO \"the PLAIN response is not base64 of authzid NUL user NUL password\"");
            return;
        }
        await(context.logins().check(connection.clientAddress(), credentials.get()), verdict -> {
            if (verdict instanceof SaslAuthenticator.Accepted accepted) {
                checkDomain(accepted);
            } else if (verdict instanceof SaslAuthenticator.Refused refused) {
                refused(refused);
            }
        });
    }

    private void refused(SaslAuthenticator.Refused refused) {
        switch (refused.reason()) {
            case UNAVAILABLE -> reply("NO (TRYLATER) \"the login cannot be checked now, try again\"");
            case DISABLED -> reply("NO \"the address is disabled\"");
            case LOCKED_OUT -> {
                connection.send(line("BYE \"too many failed logins from your network, try later\""));
                connection.close();
                closing = true;
            }
            default -> reply("NO \"Authentication failed.\"");
        }
    }

    /**
     * SPEC section 1: a domain in maintenance, or one whose mail service is, receives mail, but its
     * users cannot log in.
     */
    private void checkDomain(SaslAuthenticator.Accepted accepted) {
        await(context.directory().services().inMaintenance(accepted.user().domain()), maintenance -> {
            if (maintenance) {
                reply("NO (TRYLATER) \"" + accepted.user().domain() + " is in maintenance until it ends\"");
                return;
            }
            user = accepted.user();
            scripts = new ScriptCommands(this, context.directory().sieve(), user);
            context.logins().loggedIn(accepted, AppPassword.Protocol.MANAGESIEVE,
                    getContext().messageAdapter(LoginSessions.Revoked.class,
                    revoked -> new LoginRevoked(revoked.why())), getContext().getSelf());
            reply("OK \"Logged in\"");
        });
    }

    /** RFC 5804 section 2.14: back to the unauthenticated state, on the same connection. */
    private void unauthenticate() {
        if (user == null) {
            reply("NO \"not logged in\"");
            return;
        }
        context.logins().loggedOut(user, getContext().getSelf());
        user = null;
        scripts = null;
        reply("OK");
    }

    private void logout() {
        connection.send(line("OK \"Logout complete\""));
        connection.close();
        closing = true;
    }

    /** Continues {@code step} on the session's thread once the future completes. */
    <T> void await(CompletionStage<T> stage, Consumer<T> step) {
        getContext().pipeToSelf(stage, (value, failure) -> new Resume(() -> {
            if (failure != null) {
                log.warn("{}: ManageSieve command failed: {}", user == null ? "not logged in" : user.key(),
                        failure.toString());
                reply("NO (TRYLATER) \"the scripts cannot be reached now, try again\"");
            } else {
                step.accept(value);
            }
        }));
    }

    /** Answers and reads the next command. */
    void reply(String response) {
        connection.send(line(response));
        connection.next();
    }

    static byte[] line(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
