package dev.postillion.loadtest.imap;

import dev.postillion.loadtest.wire.ClientActionBuilder;
import dev.postillion.loadtest.wire.ClientStep;
import dev.postillion.loadtest.wire.CommandStep;
import dev.postillion.loadtest.wire.LoginStep;
import dev.postillion.loadtest.wire.ReplyChecks;
import dev.postillion.loadtest.wire.SessionValue;
import io.gatling.core.session.Session;
import io.gatling.javaapi.core.CheckBuilder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * What a request named with {@code imap("name")} does: one exchange, timed and reported on its
 * own, on the user's connection, which {@link #login()} opens and {@link #logout()} closes.
 * Values are Gatling EL, e.g. {@code "#{folder}"}.
 */
public final class ImapRequestBuilder {

    private final String name;

    ImapRequestBuilder(String name) {
        this.name = name;
    }

    /**
     * Logs in with the protocol's credentials: on a new connection (through the greeting and,
     * with {@code startTls()}, STARTTLS) unless the user holds one. Timed from the connect.
     */
    public ClientActionBuilder<ImapClient, ImapReply, ImapComponents> login() {
        return action(new LoginStep<>(), ImapRequestBuilder::requireLogin);
    }

    /** SELECT the folder (RFC 3501 §6.3.1); {@code exists()} checks its message count. */
    public ClientActionBuilder<ImapClient, ImapReply, ImapComponents> select(String folder) {
        SessionValue<String> mailbox = SessionValue.el(folder);
        return command((client, user) -> client.command("SELECT " + ImapClient.quoted(mailbox.resolve(user))));
    }

    /**
     * FETCH the messages of the sequence set with the items (RFC 3501 §6.4.5), e.g. {@code
     * fetch("1:*", "BODY.PEEK[HEADER]")} or {@code fetch("#{n}", "(FLAGS BODY.PEEK[])")};
     * {@code fetched()} and {@code literalBytes()} check what came.
     */
    public ClientActionBuilder<ImapClient, ImapReply, ImapComponents> fetch(String sequenceSet, String items) {
        SessionValue<String> set = SessionValue.el(sequenceSet);
        SessionValue<String> what = SessionValue.el(items);
        return command((client, user) -> client.command("FETCH " + set.resolve(user) + " " + what.resolve(user)));
    }

    /** SEARCH with the criteria (RFC 3501 §6.4.4), e.g. {@code "UNSEEN"}; {@code found()} checks the hits. */
    public ClientActionBuilder<ImapClient, ImapReply, ImapComponents> search(String criteria) {
        SessionValue<String> keys = SessionValue.el(criteria);
        return command((client, user) -> client.command("SEARCH " + keys.resolve(user)));
    }

    /**
     * APPEND the message, an RFC 5322 message in Gatling EL (e.g. a feeder's {@code "#{message}"}),
     * to the folder, as clients save their sent mail; line ends become CRLF. The server must offer
     * LITERAL+ (RFC 7888).
     */
    public ClientActionBuilder<ImapClient, ImapReply, ImapComponents> append(String folder, String message) {
        SessionValue<String> mailbox = SessionValue.el(folder);
        SessionValue<String> content = SessionValue.el(message);
        return command((client, user) -> client.append(mailbox.resolve(user),
                content.resolve(user).replaceAll("\r?\n", "\r\n").getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * IDLE (RFC 2177) until the server reports new mail (EXISTS) or {@code longest} has passed,
     * which must be shorter than the reply timeout; {@code exists()} is present when mail came.
     */
    public ClientActionBuilder<ImapClient, ImapReply, ImapComponents> idle(Duration longest) {
        Consumer<ImapComponents> shorterThanReplies = components -> {
            if (longest.compareTo(components.endpoint().replyTimeout()) >= 0) {
                throw new IllegalStateException("imap(\"" + name + "\").idle(" + longest
                        + ") must be shorter than the protocol's replyTimeout, " + components.endpoint().replyTimeout());
            }
        };
        return action(new CommandStep<>((client, user) -> client.idle(longest), false),
                shorterThanReplies);
    }

    /** LOGOUT; the connection closes. */
    public ClientActionBuilder<ImapClient, ImapReply, ImapComponents> logout() {
        return action(new CommandStep<>((client, user) -> client.logout(), true), components -> {});
    }

    private ClientActionBuilder<ImapClient, ImapReply, ImapComponents> command(
            BiFunction<ImapClient, Session, CompletableFuture<ImapReply>> command) {
        return action(new CommandStep<>(command, false), components -> {});
    }

    private ClientActionBuilder<ImapClient, ImapReply, ImapComponents> action(
            ClientStep<ImapClient, ImapReply, ImapComponents> step, Consumer<ImapComponents> requirement) {
        return new ClientActionBuilder<>(name, step, ImapRequestBuilder::checks, ImapProtocol.KEY, requirement);
    }

    private static void requireLogin(ImapComponents components) {
        if (components.login() == null) {
            throw new IllegalStateException("an IMAP login needs credentials: set login(...) or authPlain(...) "
                    + "on the protocol");
        }
    }

    /** The checks of a request's DSL; only IMAP checks apply to an IMAP reply. */
    static ReplyChecks<ImapReply> checks(List<CheckBuilder> builders) {
        return ReplyChecks.of(builders, ImapCheckType.class, ImapCheckType.STATUS);
    }
}
