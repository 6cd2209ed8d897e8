package dev.postillion.loadtest.pop3;

import dev.postillion.loadtest.wire.MailboxProtocolBuilder;
import dev.postillion.loadtest.wire.ReplyChecks;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.Optional;
import java.util.function.Function;

/**
 * The POP3 protocol for Gatling's Java DSL:
 *
 * <pre>{@code
 * import static dev.postillion.loadtest.pop3.Pop3Dsl.*;
 *
 * MailboxProtocolBuilder downloader = pop3.host("127.0.0.1").port(995).implicitTls().trustAll()
 *     .login("#{user}", "#{password}");
 * ScenarioBuilder downloading = scenario("downloading").feed(users)
 *     .exec(pop3("login").login(), pop3("stat").stat().check(messageCount().saveAs("count")),
 *         pop3("retr").retr("1").check(octets().gt(0L)), pop3("quit").quit());
 * }</pre>
 *
 * Without a {@code status()} check a request passes on +OK.
 */
public final class Pop3Dsl {

    private Pop3Dsl() {}

    /** The protocol, to configure: {@code pop3.host(...).port(...)}. */
    public static final MailboxProtocolBuilder pop3 =
            new MailboxProtocolBuilder(Pop3Protocol.DEFAULTS.endpoint(), Pop3Protocol.DEFAULTS.login(), Pop3Protocol::new);

    /** A request reported under {@code name}. */
    public static Pop3RequestBuilder pop3(String name) {
        return new Pop3RequestBuilder(name);
    }

    /** The status indicator, {@code +OK} or {@code -ERR}, e.g. {@code status().is("-ERR")}. */
    public static CheckBuilder.Find<String> status() {
        return ReplyChecks.<Pop3Reply, String>find("status", Pop3CheckType.STATUS, String.class,
                reply -> Optional.of(reply.status()));
    }

    /** The first line's text after the indicator, e.g. {@code "[AUTH] Authentication failed."}. */
    public static CheckBuilder.Find<String> replyText() {
        return reply("replyText", String.class, reply -> Optional.of(reply.text()));
    }

    /** STAT's message count. */
    public static CheckBuilder.Find<Long> messageCount() {
        return reply("messageCount", Long.class, reply -> reply.number(0));
    }

    /** STAT's maildrop size in octets. */
    public static CheckBuilder.Find<Long> maildropSize() {
        return reply("maildropSize", Long.class, reply -> reply.number(1));
    }

    /** The octets of a multi-line reply's content, e.g. the message RETR gave. */
    public static CheckBuilder.Find<Long> octets() {
        return reply("octets", Long.class, reply -> Optional.of(reply.octets()));
    }

    private static <X> CheckBuilder.Find<X> reply(String name, Class<X> valueClass, Function<Pop3Reply, Optional<X>> extract) {
        return ReplyChecks.find(name, Pop3CheckType.REPLY, valueClass, extract);
    }
}
