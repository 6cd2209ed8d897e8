package dev.postillion.mta.imap;

import dev.postillion.mailbox.AppPassword;
import dev.postillion.mailbox.MailMessage;
import dev.postillion.mailbox.MailStore;
import dev.postillion.mailbox.MailboxChanges;
import dev.postillion.mailbox.MailboxEdit;
import dev.postillion.mta.access.ContentReads;
import dev.postillion.mta.login.LoginSessions;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.login.SaslCredentials;
import dev.postillion.mta.login.SaslDecoding;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.AbstractBehavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.actor.typed.javadsl.Receive;
import org.apache.pekko.actor.typed.javadsl.TimerScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One IMAP connection's session (RFC 9051, RFC 3501): its state (not authenticated,
 * authenticated, selected), the commands of each, one at a time. Runs on its connection's event
 * loop; whatever waits for the store, the mailbox actor or the password check continues as a
 * message ({@link Resume}), and the next command is framed only when this one is answered.
 */
public final class ImapSession extends AbstractBehavior<ImapSession.Command> {

    public sealed interface Command {}

    /** A whole command from the client (or a line of an AUTHENTICATE exchange, or IDLE's DONE). */
    record Received(byte[] bytes) implements Command {}

    /** The client has been silent for the idle timeout. */
    record Idle() implements Command {}

    record Disconnected() implements Command {}

    /** The node stops. */
    record Shutdown() implements Command {}

    /** Work that waited for a future goes on, on the session's thread. */
    private record Resume(Runnable step) implements Command {}

    private record MailboxChanged(MailboxChanges.Changed changed) implements Command {}

    private record LoginRevoked(String why) implements Command {}

    private record LoginTimeout() implements Command {}

    private static final Logger log = LoggerFactory.getLogger(ImapSession.class);

    private final ImapContext context;
    private final ImapConnection connection;
    private final MailStore store;
    private boolean tls;
    /** The logged-in address in canonical form; null before login. */
    private String address;
    private SelectedFolder selected;
    private boolean condStore;
    private boolean rev2;
    /** What the next received line is for, instead of a command: an AUTHENTICATE response, IDLE's DONE. */
    private Consumer<byte[]> continuation;
    private boolean idling;
    /** The mailbox changed since the client last heard. */
    private boolean changed;
    private boolean closing;
    /** What the command in progress read, holding its room in the node's content memory. */
    private final ContentReads.Reader reading;

    static Behavior<Command> create(ImapContext context, ImapConnection connection, boolean tls) {
        return Behaviors.setup(ctx -> Behaviors.withTimers(timers -> new ImapSession(ctx, timers, context,
                connection, tls)));
    }

    private ImapSession(ActorContext<Command> ctx, TimerScheduler<Command> timers, ImapContext context,
            ImapConnection connection, boolean tls) {
        super(ctx);
        this.context = context;
        this.connection = connection;
        this.store = context.mailboxes().store();
        this.reading = context.reads().reader();
        this.tls = tls;
        timers.startSingleTimer(new LoginTimeout(), context.settings().loginTimeout());
        connection.send(line("* OK [CAPABILITY " + capabilities() + "] " + context.hostname()
                + " Postillion IMAP ready"));
        connection.next();
    }

    @Override
    public Receive<Command> createReceive() {
        return newReceiveBuilder()
                .onMessage(Received.class, this::onReceived)
                .onMessage(Resume.class, this::onResume)
                .onMessage(MailboxChanged.class, this::onMailboxChanged)
                .onMessage(LoginRevoked.class, revoked -> bye(revoked.why() + ", log in again"))
                .onMessage(LoginTimeout.class, timeout -> address == null ? bye("login timed out") : this)
                .onMessage(Idle.class, idle -> bye("autologout: idle for too long"))
                .onMessage(Shutdown.class, shutdown -> bye("the server is shutting down"))
                .onMessage(Disconnected.class, gone -> {
                    release();
                    return Behaviors.stopped();
                })
                .build();
    }

    /**
     * A step that fails on a bug ends the session with a BYE; the client's command gets no
     * tagged answer, the cause goes to the log, and no other session is touched.
     */
    private Behavior<Command> onResume(Resume resume) {
        try {
            resume.step().run();
        } catch (RuntimeException e) {
            log.error("{}: IMAP session failed", address, e);
            return bye("[UNAVAILABLE] internal error; the server's log has the cause");
        }
        return closing ? Behaviors.stopped() : this;
    }

    private Behavior<Command> bye(String text) {
        connection.send(line("* BYE " + text));
        connection.close();
        release();
        return Behaviors.stopped();
    }

    private void release() {
        reading.release();
        if (address != null) {
            context.users().release(address);
            address = null;
        }
    }

    private String capabilities() {
        StringBuilder capabilities = new StringBuilder("IMAP4rev1 IMAP4rev2 LITERAL+ SASL-IR ID ENABLE IDLE NAMESPACE"
                + " UNSELECT UIDPLUS MOVE SPECIAL-USE CHILDREN CONDSTORE ESEARCH SEARCHRES LIST-EXTENDED LIST-STATUS"
                + " STATUS=SIZE BINARY");
        if (address == null) {
            if (!tls && context.tls() != null) {
                capabilities.append(" STARTTLS");
            }
            capabilities.append(loginAllowed() ? " AUTH=PLAIN" : " LOGINDISABLED");
        }
        return capabilities.toString();
    }

    /** RFC 9051 section 11.1: passwords only under TLS, but for the networks trusted with them in clear. */
    private boolean loginAllowed() {
        return tls || context.plaintextLogins().contains(connection.clientAddress());
    }

    private Behavior<Command> onReceived(Received received) {
        if (continuation != null) {
            Consumer<byte[]> next = continuation;
            continuation = null;
            next.accept(received.bytes());
            return closing ? Behaviors.stopped() : this;
        }
        CommandReader reader = new CommandReader(received.bytes());
        String tag = "*";
        try {
            tag = reader.atom();
            reader.space();
            String name = reader.atom().toUpperCase(Locale.ROOT);
            dispatch(tag, name, reader);
        } catch (CommandReader.BadSyntax e) {
            finish(tag, "BAD " + e.getMessage());
        }
        return closing ? Behaviors.stopped() : this;
    }

    private void dispatch(String tag, String name, CommandReader reader) {
        switch (name) {
            case "CAPABILITY" -> {
                reader.end();
                send("* CAPABILITY " + capabilities());
                finish(tag, "OK CAPABILITY completed");
            }
            case "NOOP" -> {
                reader.end();
                changed = true; // NOOP is how a client asks what changed (RFC 9051 section 6.1.2)
                catchUpThen(tag, "OK NOOP completed", true);
            }
            case "LOGOUT" -> {
                reader.end();
                send("* BYE logging out");
                connection.send(line(tag + " OK LOGOUT completed"));
                connection.close();
                release();
                closing = true;
            }
            case "ID" -> {
                // RFC 2971: the client's identification is not needed; ours is the product's name.
                send("* ID (\"name\" \"Postillion\")");
                finish(tag, "OK ID completed");
            }
            case "STARTTLS" -> startTls(tag, reader);
            case "LOGIN" -> login(tag, reader);
            case "AUTHENTICATE" -> authenticate(tag, reader);
            default -> {
                if (address == null) {
                    finish(tag, "BAD " + (known(name) ? name + " needs a login first" : "unknown command " + name));
                } else {
                    authenticatedCommand(tag, name, reader);
                }
            }
        }
    }

    private static boolean known(String name) {
        return switch (name) {
            case "SELECT", "EXAMINE", "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE", "LIST", "LSUB",
                 "STATUS", "APPEND", "NAMESPACE", "ENABLE", "IDLE", "CLOSE", "UNSELECT", "EXPUNGE", "SEARCH",
                 "FETCH", "STORE", "COPY", "MOVE", "UID", "CHECK" -> true;
            default -> false;
        };
    }

    private void authenticatedCommand(String tag, String name, CommandReader reader) {
        FolderCommands folders = new FolderCommands(context, store, address, rev2);
        switch (name) {
            case "SELECT", "EXAMINE" -> select(tag, reader, name.equals("EXAMINE"));
            case "CREATE", "DELETE", "RENAME", "SUBSCRIBE", "UNSUBSCRIBE" ->
                    await(folders.edit(tag, name, reader), tag, answer -> finishAfterCatchUp(answer));
            case "LIST", "LSUB" -> await(new ListCommand(store, address, rev2).run(tag, name.equals("LSUB"), reader),
                    tag, this::finishWith);
            case "STATUS" -> await(folders.status(tag, reader), tag, this::finishWith);
            case "APPEND" -> await(folders.append(tag, reader), tag, this::finishAfterCatchUp);
            case "NAMESPACE" -> {
                reader.end();
                send("* NAMESPACE ((\"\" \"/\")) NIL NIL");
                finish(tag, "OK NAMESPACE completed");
            }
            case "ENABLE" -> enable(tag, reader);
            case "IDLE" -> idle(tag, reader);
            case "CHECK" -> {
                // RFC 3501 section 6.4.1: a selected-state command (RFC 9051 drops it); a NOOP there.
                if (selected == null) {
                    finish(tag, "BAD CHECK needs a selected folder");
                } else {
                    reader.end();
                    changed = true;
                    catchUpThen(tag, "OK CHECK completed", true);
                }
            }
            default -> {
                if (selected == null) {
                    finish(tag, "BAD " + (known(name) ? name + " needs a selected folder" : "unknown command " + name));
                } else {
                    new SelectedCommands(this, context, store, address, selected).run(tag, name, reader);
                }
            }
        }
    }

    /** Asks the mailbox actor of the logged-in address for {@code edit}. */
    CompletionStage<MailboxEdit.Edited> edit(MailboxEdit edit) {
        return context.mailboxes().edit(address, edit);
    }

    /** Continues {@code step} on the session's thread once the future completes. */
    <T> void await(CompletionStage<T> stage, String tag, Consumer<T> step) {
        getContext().pipeToSelf(stage, (value, failure) -> new Resume(() -> {
            if (failure != null) {
                log.warn("{}: IMAP command failed: {}", address, failure.toString());
                finish(tag, "NO [UNAVAILABLE] the mailbox cannot be read now, try again");
            } else {
                step.accept(value);
            }
        }));
    }

    private ByteArrayOutputStream pending = new ByteArrayOutputStream();

    /** Queues an untagged line, sent with the command's completion. */
    void send(String line) {
        SelectedFolder.line(pending, line);
    }

    void out(byte[] bytes) {
        pending.writeBytes(bytes);
    }

    /** Sends what is queued: for FETCH's chunks, which must not wait for the end. */
    CompletionStage<Void> flush() {
        byte[] bytes = pending.toByteArray();
        pending = new ByteArrayOutputStream();
        return connection.send(bytes);
    }

    /** Ends the command with its tagged response and asks for the next. */
    void finish(String tag, String response) {
        SelectedFolder.line(pending, tag + " " + response);
        flush();
        reading.release();
        connection.next();
    }

    /**
     * Hands each of {@code items} with its message's content to {@code each}, reading the content
     * in runs that fit the node's content memory ({@link ContentReads}): a run is read once it has
     * room, which it holds until the next run is read or the command or the session ends; the
     * next is read once {@code afterRun} completes (FETCH: the run's answers are written). Then
     * {@code then} runs.
     */
    <T> void withContent(String tag, List<T> items, Function<T, MailMessage> message, BiConsumer<T, byte[]> each,
            Supplier<CompletionStage<?>> afterRun, Runnable then) {
        runs(tag, ContentReads.runs(items, item -> message.apply(item).size()), 0, message, each, afterRun, then);
    }

    private <T> void runs(String tag, List<List<T>> runs, int index, Function<T, MailMessage> message,
            BiConsumer<T, byte[]> each, Supplier<CompletionStage<?>> afterRun, Runnable then) {
        if (index == runs.size()) {
            then.run();
            return;
        }
        List<T> run = runs.get(index);
        List<MailMessage> messages = run.stream().map(message).toList();
        CompletionStage<List<byte[]>> contents = reading.read(address,
                messages.stream().map(MailMessage::contentId).toList(),
                messages.stream().mapToLong(MailMessage::size).sum());
        await(contents, tag, read -> {
            for (int i = 0; i < run.size(); i++) {
                each.accept(run.get(i), read.get(i));
            }
            await(afterRun.get(), tag, done -> runs(tag, runs, index + 1, message, each, afterRun, then));
        });
    }

    /** {@code answer} holds the untagged lines and the tagged response together. */
    void finishWith(byte[] answer) {
        out(answer);
        flush();
        reading.release();
        connection.next();
    }

    /** Ends the command with {@code answer}, after telling the client what changed meanwhile. */
    void finishAfterCatchUp(byte[] answer) {
        if (selected == null || !changed) {
            finishWith(answer);
            return;
        }
        catchUp(true, () -> finishWith(answer));
    }

    /** Tells the client of changes heard of since it last heard, then ends the command. */
    void catchUpThen(String tag, String response, boolean expunges) {
        if (selected == null || !changed) {
            finish(tag, response);
            return;
        }
        catchUp(expunges, () -> finish(tag, response));
    }

    private void catchUp(boolean expunges, Runnable then) {
        changed = false;
        SelectedFolder folder = selected;
        await(SelectedFolder.read(store, address, folder), "*", changes -> {
            if (folder == selected && folder.catchUp(changes, expunges, condStore, pending)) {
                changed = true;
            }
            then.run();
        });
    }

    private Behavior<Command> onMailboxChanged(MailboxChanged message) {
        if (selected != null && message.changed().folders().contains(selected.name)) {
            changed = true;
            if (idling) {
                catchUp(true, () -> flush());
            }
        }
        return this;
    }

    private void startTls(String tag, CommandReader reader) {
        reader.end();
        if (tls || context.tls() == null) {
            finish(tag, "BAD " + (tls ? "TLS is already active" : "STARTTLS is not offered"));
            return;
        }
        connection.startTls(line(tag + " OK Begin TLS negotiation now"));
        tls = true;
        connection.next();
    }

    private void login(String tag, CommandReader reader) {
        reader.space();
        String user = reader.astring();
        reader.space();
        String password = reader.astring();
        reader.end();
        checkLogin(tag, new SaslCredentials("", user, password));
    }

    private void authenticate(String tag, CommandReader reader) {
        reader.space();
        String mechanism = reader.atom().toUpperCase(Locale.ROOT);
        if (!mechanism.equals("PLAIN")) {
            finish(tag, "NO [CANNOT] only AUTHENTICATE PLAIN is offered");
            return;
        }
        if (reader.take(' ')) {
            plainResponse(tag, reader.rest()); // SASL-IR, RFC 4959
            return;
        }
        reader.end();
        continuation = bytes -> plainResponse(tag, new String(bytes, StandardCharsets.US_ASCII));
        connection.send(line("+ "));
        connection.next();
    }

    private void plainResponse(String tag, String response) {
        if (response.equals(SaslDecoding.CANCEL)) {
            finish(tag, "BAD AUTHENTICATE cancelled");
            return;
        }
        Optional<SaslCredentials> credentials = SaslDecoding.plain(response.equals("=") ? "" : response);
        if (credentials.isEmpty()) {
            finish(tag, "BAD the PLAIN response is not base64 of authzid NUL user NUL password");
            return;
        }
        checkLogin(tag, credentials.get());
    }

    private void checkLogin(String tag, SaslCredentials credentials) {
        if (address != null) {
            finish(tag, "BAD already logged in");
            return;
        }
        if (!loginAllowed()) {
            finish(tag, "NO [PRIVACYREQUIRED] log in after STARTTLS, or on the TLS port");
            return;
        }
        await(context.logins().check(connection.clientAddress(), credentials), tag, verdict -> {
            if (verdict instanceof SaslAuthenticator.Accepted accepted) {
                loggedIn(tag, accepted, credentials.password());
            } else if (verdict instanceof SaslAuthenticator.Refused refused) {
                refused(tag, refused);
            }
        });
    }

    private void refused(String tag, SaslAuthenticator.Refused refused) {
        switch (refused.reason()) {
            case UNAVAILABLE -> finish(tag, "NO [UNAVAILABLE] the login cannot be checked now, try again");
            case DISABLED -> finish(tag, "NO [AUTHORIZATIONFAILED] the address is disabled");
            case LOCKED_OUT -> {
                finish(tag, "NO [AUTHENTICATIONFAILED] too many failed logins from your network, try later");
                connection.close();
                closing = true;
            }
            default -> finish(tag, "NO [AUTHENTICATIONFAILED] Authentication failed.");
        }
    }

    /**
     * SPEC section 1: a domain in maintenance, or one whose mail service is, receives mail, but its
     * mailboxes cannot be read.
     */
    private void loggedIn(String tag, SaslAuthenticator.Accepted accepted, String password) {
        await(context.directory().services().inMaintenance(accepted.user().domain()), tag, maintenance -> {
            if (maintenance) {
                finish(tag, "NO [UNAVAILABLE] " + accepted.user().domain() + " is in maintenance: its mailboxes"
                        + " cannot be read until it ends");
            } else {
                unlockKey(tag, accepted, password);
            }
        });
    }

    /** SPEC section 7: a mailbox encrypted at rest is read only by a login whose password unwraps its key. */
    private void unlockKey(String tag, SaslAuthenticator.Accepted accepted, String password) {
        await(reading.unlock(context.directory().encryption(), accepted.login().address(), password), tag,
                readable -> {
                    if (readable) {
                        admitted(tag, accepted);
                    } else {
                        finish(tag, "NO [AUTHORIZATIONFAILED] " + ContentReads.ENCRYPTED_NEEDS_PASSWORD);
                    }
                });
    }

    private void admitted(String tag, SaslAuthenticator.Accepted accepted) {
        String key = accepted.user().key();
        if (!context.users().admit(key)) {
            finish(tag, "NO [LIMIT] too many sessions of " + accepted.user() + " at once");
            return;
        }
        address = key;
        connection.maxLiteral(context.settings().maxLiteralSize());
        context.logins().loggedIn(accepted, AppPassword.Protocol.IMAP, getContext().messageAdapter(
                LoginSessions.Revoked.class, revoked -> new LoginRevoked(revoked.why())), getContext().getSelf());
        MailboxChanges.get(getContext().getSystem()).watch(address,
                getContext().messageAdapter(MailboxChanges.Changed.class, MailboxChanged::new), getContext().getSelf());
        // The first login writes the mailbox's default folders.
        await(context.mailboxes().edit(address, new MailboxEdit.Open()), tag, opened ->
                finish(tag, "OK [CAPABILITY " + capabilities() + "] logged in"));
    }

    private void enable(String tag, CommandReader reader) {
        StringBuilder enabled = new StringBuilder();
        while (reader.take(' ')) {
            String capability = reader.atom().toUpperCase(Locale.ROOT);
            if (capability.equals("CONDSTORE") && !condStore) {
                condStore = true;
                enabled.append(" CONDSTORE");
            } else if (capability.equals("IMAP4REV2") && !rev2) {
                rev2 = true; // RFC 9051 section 6.3.1
                enabled.append(" IMAP4rev2");
            }
        }
        send("* ENABLED" + enabled);
        finish(tag, "OK ENABLE completed");
    }

    private void idle(String tag, CommandReader reader) {
        reader.end();
        idling = true;
        continuation = bytes -> {
            idling = false;
            if (!new String(bytes, StandardCharsets.US_ASCII).equalsIgnoreCase("DONE")) {
                finish(tag, "BAD IDLE ends with DONE");
                return;
            }
            changed = true;
            catchUpThen(tag, "OK IDLE terminated", true);
        };
        connection.send(line("+ idling"));
        if (changed && selected != null) {
            catchUp(true, this::flush);
        }
        connection.next();
    }

    private void select(String tag, CommandReader reader, boolean readOnly) {
        new SelectCommand(this, store, address).run(tag, reader, readOnly, selected != null);
    }

    /** {@code folder} is selected now (SELECT, EXAMINE). */
    void select(SelectedFolder folder) {
        selected = folder;
        changed = false;
    }

    /** The selected folder is closed (CLOSE, UNSELECT, a SELECT of another): the session is authenticated only. */
    void unselect() {
        selected = null;
        changed = false;
    }

    boolean condStore() {
        return condStore;
    }

    void enableCondStore() {
        condStore = true;
    }

    /** Whether the client enabled IMAP4rev2 (RFC 9051 section 6.3.1); until then it is served IMAP4rev1. */
    boolean rev2() {
        return rev2;
    }

    static byte[] line(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    }
}
