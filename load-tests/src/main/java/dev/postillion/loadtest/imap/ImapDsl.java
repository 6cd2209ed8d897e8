package dev.postillion.loadtest.imap;

import dev.postillion.loadtest.wire.MailboxProtocolBuilder;
import dev.postillion.loadtest.wire.ReplyChecks;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.Optional;
import java.util.function.Function;

/**
 * The IMAP protocol for Gatling's Java DSL:
 *
 * <pre>{@code
 * import static dev.postillion.loadtest.imap.ImapDsl.*;
 *
 * MailboxProtocolBuilder reader = imap.host("127.0.0.1").port(993).implicitTls().trustAll()
 *     .login("#{user}", "#{password}");
 * ScenarioBuilder reading = scenario("reading").feed(users)
 *     .exec(imap("login").login(), imap("select").select("INBOX").check(exists().saveAs("count")),
 *         imap("headers").fetch("1:*", "BODY.PEEK[HEADER]").check(fetched().is(1000)),
 *         imap("logout").logout());
 * }</pre>
 *
 * Without a {@code status()} check a request passes on OK.
 */
public final class ImapDsl {

    private ImapDsl() {}

    /** The protocol, to configure: {@code imap.host(...).port(...)}. */
    public static final MailboxProtocolBuilder imap =
            new MailboxProtocolBuilder(ImapProtocol.DEFAULTS.endpoint(), ImapProtocol.DEFAULTS.login(), ImapProtocol::new);

    /** A request reported under {@code name}. */
    public static ImapRequestBuilder imap(String name) {
        return new ImapRequestBuilder(name);
    }

    /** The completion's status: OK, NO or BAD, e.g. {@code status().is("NO")}. */
    public static CheckBuilder.Find<String> status() {
        return ReplyChecks.<ImapReply, String>find("status", ImapCheckType.STATUS, String.class,
                reply -> Optional.of(reply.status()));
    }

    /** The completion's text after its status, with any response code, e.g. {@code "[ALERT] ..."}. */
    public static CheckBuilder.Find<String> responseText() {
        return response("responseText", String.class, reply -> Optional.of(reply.text()));
    }

    /**
     * How many FETCH responses came: one per message fetched, and any the server adds unasked,
     * such as the new flags of a message another session changed (RFC 3501 §7.4.2).
     */
    public static CheckBuilder.Find<Integer> fetched() {
        return response("fetched", Integer.class, reply -> Optional.of(reply.fetched()));
    }

    /** How many octets of literals (headers, bodies) came. */
    public static CheckBuilder.Find<Long> literalBytes() {
        return response("literalBytes", Long.class, reply -> Optional.of(reply.literalBytes()));
    }

    /** How many messages SEARCH found. */
    public static CheckBuilder.Find<Integer> found() {
        return response("found", Integer.class, reply -> Optional.of(reply.found()));
    }

    /** The folder's message count the server last gave (SELECT, or news during IDLE); absent if it gave none. */
    public static CheckBuilder.Find<Integer> exists() {
        return response("exists", Integer.class, reply -> Optional.of(reply.exists()).filter(count -> count >= 0));
    }

    private static <X> CheckBuilder.Find<X> response(String name, Class<X> valueClass,
            Function<ImapReply, Optional<X>> extract) {
        return ReplyChecks.find(name, ImapCheckType.RESPONSE, valueClass, extract);
    }
}
