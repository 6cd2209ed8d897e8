package dev.postillion.mta.pop3;

import dev.postillion.mailbox.AppPassword;
import dev.postillion.mailbox.MailStore;
import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mta.access.ContentReads;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.login.LoginSessions;
import dev.postillion.mta.login.SaslCredentials;
import dev.postillion.mta.login.SaslDecoding;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.PostStop;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One POP3 connection's session (RFC 1939): the AUTHORIZATION state (USER and PASS, AUTH PLAIN
 * of RFC 5034, STLS of RFC 2595), then the TRANSACTION state on the maildrop ({@link
 * Pop3Transaction}), then at QUIT the UPDATE state. Runs on its connection's event loop, one
 * command at a time; whatever waits for the store, the mailbox actor or the password check
 * continues as a message ({@link Resume}), and the next line is read only when this one is
 * answered. Failures carry RFC 2449 and RFC 3206 response codes.
 */
public final class Pop3Session extends AbstractBehavior<Pop3Session.Command> {

    public sealed interface Command {}

    /** A line from the client: a command, or a response of AUTH's exchange. */
    record Received(String line) implements Command {}

    /** The client has been silent for the idle timeout. */
    record Idle() implements Command {}

    record Disconnected() implements Command {}

    /** The node stops. */
    record Shutdown() implements Command {}

    /** Work that waited for a future goes on, on the session's thread. */
    private record Resume(Runnable step) implements Command {}

    private record LoginRevoked(String why) implements Command {}

    /** TRANSACTION's commands, refused before login as such rather than as unknown. */
    private static final Set<String> TRANSACTION = Set.of("STAT", "LIST", "RETR", "DELE", "NOOP", "RSET", "TOP",
            "UIDL");
    private static final String PRIVACY_REQUIRED = "-ERR [AUTH] log in after STLS, or on the TLS port";

    private static final Logger log = LoggerFactory.getLogger(Pop3Session.class);

    private final Pop3Context context;
    private final Pop3Connection connection;
    private final MailStore store;
    private boolean tls;
    /** USER's name, waiting for PASS. */
    private String user;
    /** The address whose maildrop this session holds locked, in canonical form; null before. */
    private String address;
    private Pop3Transaction transaction;
    /** What the next line is for, instead of a command: AUTH's response. */
    private Consumer<String> continuation;
    private boolean closing;
    /** The message being answered, holding its room in the node's content memory. */
    private final ContentReads.Reader reading;

    static Behavior<Command> create(Pop3Context context, Pop3Connection connection, boolean tls) {
        return Behaviors.setup(ctx -> new Pop3Session(ctx, context, connection, tls));
    }

    private Pop3Session(ActorContext<Command> ctx, Pop3Context context, Pop3Connection connection, boolean tls) {
        super(ctx);
        this.context = context;
        this.connection = connection;
        this.store = context.mailboxes().store();
        this.reading = context.reads().reader();
        this.tls = tls;
        reply("+OK " + context.hostname() + " POP3 ready");
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Received.class, this::onReceived)
                .onMessage(Resume.class, resume -> {
                    resume.step().run();
                    return closing ? Behaviors.stopped() : this;
                })
                .onMessage(LoginRevoked.class, revoked -> close(revoked.why()))
                .onMessage(Idle.class, idle -> close("idle for too long"))
                .onMessage(Shutdown.class, shutdown -> close("the server is shutting down"))
                .onMessage(Disconnected.class, gone -> Behaviors.stopped())
                .onSignal(PostStop.class, stopped -> {
                    unlock();
                    reading.release();
                    return this;
                })
                .build();
    }

    /**
     * Closes without a response: POP3 has none unsolicited, and a session that ends without QUIT
     * deletes nothing (RFC 1939 sections 3 and 6).
     */
    private Behavior<Command> close(String why) {
        log.info("{}: POP3 session from [{}] closed: {}", address == null ? "not logged in" : address,
                connection.clientAddress().getHostAddress(), why);
        connection.close();
        return Behaviors.stopped();
    }

    private void unlock() {
        if (address != null) {
            context.locked().remove(address);
            address = null;
        }
    }

    private Behavior<Command> onReceived(Received received) {
        if (continuation != null) {
            Consumer<String> next = continuation;
            continuation = null;
            next.accept(received.line());
            return closing ? Behaviors.stopped() : this;
        }
        // RFC 1939 section 3: a keyword, case-insensitive, then arguments after single spaces.
        String[] parts = received.line().split(" ", 2);
        String name = parts[0].toUpperCase(Locale.ROOT);
        String argument = parts.length > 1 ? parts[1] : "";
        if (transaction == null) {
            authorization(name, argument);
        } else {
            transaction(name, argument);
        }
        return closing ? Behaviors.stopped() : this;
    }

    private void authorization(String name, String argument) {
        switch (name) {
            case "CAPA" -> capabilities();
            case "USER" -> user(argument);
            case "PASS" -> pass(argument);
            case "AUTH" -> auth(argument);
            case "STLS" -> stls();
            case "QUIT" -> quit("+OK " + context.hostname() + " POP3 server signing off");
            default -> reply(TRANSACTION.contains(name) ? "-ERR log in first" : "-ERR unknown command");
        }
    }

    private void transaction(String name, String argument) {
        switch (name) {
            case "CAPA" -> capabilities();
            case "USER", "PASS", "AUTH", "STLS" -> reply("-ERR already logged in");
            case "QUIT" -> transaction.quit();
            default -> transaction.run(name, argument);
        }
    }

    /** RFC 2449 section 5; USER, SASL and STLS only where a login could follow. */
    private void capabilities() {
        MultiLine capabilities = new MultiLine("Capability list follows")
                .line("TOP").line("UIDL").line("RESP-CODES").line("AUTH-RESP-CODE").line("PIPELINING");
        if (transaction == null) {
            if (!tls && context.tls() != null) {
                capabilities.line("STLS");
            }
            if (loginAllowed()) {
                capabilities.line("USER").line("SASL PLAIN");
            }
        }
        replyMultiLine(capabilities.line("IMPLEMENTATION Postillion").end());
    }

    /** RFC 2595 section 2.3: passwords only under TLS, but for the networks trusted with them in clear. */
    private boolean loginAllowed() {
        return tls || context.plaintextLogins().contains(connection.clientAddress());
    }

    private void user(String name) {
        if (!loginAllowed()) {
            reply(PRIVACY_REQUIRED);
        } else if (name.isEmpty()) {
            reply("-ERR USER needs a name");
        } else {
            user = name;
            reply("+OK send the password");
        }
    }

    /** RFC 1939 section 7: the password is the rest of the line, spaces and all. */
    private void pass(String password) {
        String name = user;
        user = null;
        if (name == null) {
            reply("-ERR USER first");
        } else {
            checkLogin(new SaslCredentials("", name, password));
        }
    }

    /** RFC 5034: AUTH PLAIN with an initial response ("=" for an empty one) or after "+ ". */
    private void auth(String argument) {
        String[] parts = argument.split(" ", 2);
        if (argument.isEmpty()) {
            replyMultiLine(new MultiLine("SASL mechanisms follow").line("PLAIN").end());
        } else if (!parts[0].equalsIgnoreCase("PLAIN")) {
            reply("-ERR only AUTH PLAIN is offered");
        } else if (!loginAllowed()) {
            reply(PRIVACY_REQUIRED);
        } else if (parts.length > 1) {
            plainResponse(parts[1].equals("=") ? "" : parts[1]);
        } else {
            continuation = this::plainResponse;
            connection.send(line("+ "));
            connection.next();
        }
    }

    private void plainResponse(String response) {
        if (response.equals(SaslDecoding.CANCEL)) {
            reply("-ERR AUTH cancelled");
            return;
        }
        Optional<SaslCredentials> credentials = SaslDecoding.plain(response);
        if (credentials.isEmpty()) {
            reply("-ERR the PLAIN response is not base64 of authzid NUL user NUL password");
            return;
        }
        checkLogin(credentials.get());
    }

    /** RFC 2595 section 4: STLS in the AUTHORIZATION state; a USER given before it is forgotten. */
    private void stls() {
        if (tls || context.tls() == null) {
            reply("-ERR " + (tls ? "TLS is already active" : "STLS is not offered"));
            return;
        }
        user = null;
        connection.startTls(line("+OK Begin TLS negotiation now"));
        tls = true;
        connection.next();
    }

    private void checkLogin(SaslCredentials credentials) {
        if (!loginAllowed()) {
            reply(PRIVACY_REQUIRED);
            return;
        }
        await(context.logins().check(connection.clientAddress(), credentials), verdict -> {
            if (verdict instanceof SaslAuthenticator.Accepted accepted) {
                checkDomain(accepted, credentials.password());
            } else if (verdict instanceof SaslAuthenticator.Refused refused) {
                refused(refused);
            }
        });
    }

    private void refused(SaslAuthenticator.Refused refused) {
        switch (refused.reason()) {
            case UNAVAILABLE -> reply("-ERR [SYS/TEMP] the login cannot be checked now, try again");
            case DISABLED -> reply("-ERR [AUTH] the address is disabled");
            case LOCKED_OUT -> quit("-ERR [AUTH] too many failed logins from your network, try later");
            default -> reply("-ERR [AUTH] Authentication failed.");
        }
    }

    /**
     * SPEC section 1: a domain in maintenance, or one whose mail service is, receives mail, but its
     * mailboxes cannot be read.
     */
    private void checkDomain(SaslAuthenticator.Accepted accepted, String password) {
        await(context.directory().services().inMaintenance(accepted.user().domain()), maintenance -> {
            if (maintenance) {
                reply("-ERR [SYS/TEMP] " + accepted.user().domain() + " is in maintenance: its mailboxes cannot be"
                        + " read until it ends");
            } else {
                unlockKey(accepted, password);
            }
        });
    }

    /** SPEC section 7: a mailbox encrypted at rest is read only by a login whose password unwraps its key. */
    private void unlockKey(SaslAuthenticator.Accepted accepted, String password) {
        await(reading.unlock(context.directory().encryption(), accepted.login().address(), password), readable -> {
            if (readable) {
                lock(accepted);
            } else {
                reply("-ERR [AUTH] " + ContentReads.ENCRYPTED_NEEDS_PASSWORD);
            }
        });
    }

    /**
     * RFC 1939 section 4's exclusive access, held by one session of this node at a time (RFC 2449
     * section 8.1.1's IN-USE otherwise); the first login writes the mailbox's default folders.
     */
    private void lock(SaslAuthenticator.Accepted accepted) {
        String key = accepted.user().key();
        if (!context.locked().add(key)) {
            reply("-ERR [IN-USE] another POP3 session holds the maildrop");
            return;
        }
        address = key;
        await(context.mailboxes().edit(address, new MailboxEdit.Open()), opened -> openMaildrop(accepted));
    }

    private void openMaildrop(SaslAuthenticator.Accepted accepted) {
        await(store.folder(address, "INBOX"), inbox -> {
            if (inbox.isEmpty()) {
                unavailable(new IllegalStateException("no INBOX"));
                return;
            }
            await(store.uids(address, inbox.get().id()), uids ->
                    await(store.messages(address, inbox.get().id(), uids), messages -> {
                        Maildrop maildrop = new Maildrop(inbox.get(), messages);
                        transaction = new Pop3Transaction(this, context.mailboxes(), address, maildrop);
                        context.logins().loggedIn(accepted, AppPassword.Protocol.POP3, getContext().messageAdapter(
                                LoginSessions.Revoked.class, revoked -> new LoginRevoked(revoked.why())),
                                getContext().getSelf());
                        reply("+OK maildrop has " + maildrop.count() + " messages (" + maildrop.remainingSize()
                                + " octets)");
                    }));
        });
    }

    /** Continues {@code step} on the session's thread once the future completes. */
    <T> void await(CompletionStage<T> stage, Consumer<T> step) {
        getContext().pipeToSelf(stage, (value, failure) -> new Resume(() -> {
            if (failure != null) {
                unavailable(failure);
            } else {
                step.accept(value);
            }
        }));
    }

    /** A read or edit failed: the command fails, and a login that had not opened the maildrop lets go of it. */
    private void unavailable(Throwable failure) {
        log.warn("{}: POP3 command failed: {}", address, failure.toString());
        if (transaction == null) {
            unlock();
        }
        reply("-ERR [SYS/TEMP] the maildrop cannot be read now, try again");
    }

    /** Answers with one line and reads the next command. */
    void reply(String response) {
        connection.send(line(response));
        connection.next();
    }

    /**
     * Reads a message's content once it has room in the node's content memory; the room is held
     * until its answer is written.
     */
    CompletionStage<byte[]> readMessage(long contentId, long size) {
        return reading.read(address, List.of(contentId), size).thenApply(contents -> contents.get(0));
    }

    /** Answers with {@code response} and reads the next command once it is written: one message in memory at a time. */
    void replyMultiLine(byte[] response) {
        await(connection.send(response), written -> {
            reading.release();
            connection.next();
        });
    }

    /** Answers and closes the connection; no command is read after this one. */
    void quit(String response) {
        unlock();
        connection.send(line(response));
        connection.close();
        closing = true;
    }

    String hostname() {
        return context.hostname();
    }

    static byte[] line(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
