package dev.postillion.loadtest.pop3;

import dev.postillion.loadtest.wire.ClientActionBuilder;
import dev.postillion.loadtest.wire.ClientStep;
import dev.postillion.loadtest.wire.CommandStep;
import dev.postillion.loadtest.wire.LoginStep;
import dev.postillion.loadtest.wire.ReplyChecks;
import dev.postillion.loadtest.wire.SessionValue;
import io.gatling.javaapi.core.CheckBuilder;
import java.util.List;
import java.util.function.Consumer;

/**
 * What a request named with {@code pop3("name")} does: one exchange, timed and reported on its
 * own, on the user's connection, which {@link #login()} opens and {@link #quit()} closes.
 */
public final class Pop3RequestBuilder {

    private final String name;

    Pop3RequestBuilder(String name) {
        this.name = name;
    }

    /**
     * Logs in with the protocol's credentials: on a new connection (through the greeting and,
     * with {@code startTls()}, STLS) unless the user holds one. Timed from the connect.
     */
    public ClientActionBuilder<Pop3Client, Pop3Reply, Pop3Components> login() {
        return action(new LoginStep<>(), components -> {
            if (components.login() == null) {
                throw new IllegalStateException("a POP3 login needs credentials: set login(...) or authPlain(...) "
                        + "on the protocol");
            }
        });
    }

    /** STAT; {@code messageCount()} and {@code maildropSize()} check its answer. */
    public ClientActionBuilder<Pop3Client, Pop3Reply, Pop3Components> stat() {
        return action(new CommandStep<>((client, user) -> client.stat(), false), components -> {});
    }

    /** RETR the message with that number, in Gatling EL, e.g. {@code "#{n}"}; {@code octets()} checks its size. */
    public ClientActionBuilder<Pop3Client, Pop3Reply, Pop3Components> retr(String message) {
        SessionValue<Integer> number = SessionValue.elInt(message);
        return action(new CommandStep<>((client, user) -> client.retr(number.resolve(user)), false), components -> {});
    }

    /** QUIT; the connection closes. */
    public ClientActionBuilder<Pop3Client, Pop3Reply, Pop3Components> quit() {
        return action(new CommandStep<>((client, user) -> client.quit(), true), components -> {});
    }

    private ClientActionBuilder<Pop3Client, Pop3Reply, Pop3Components> action(
            ClientStep<Pop3Client, Pop3Reply, Pop3Components> step, Consumer<Pop3Components> requirement) {
        return new ClientActionBuilder<>(name, step, Pop3RequestBuilder::checks, Pop3Protocol.KEY, requirement);
    }

    /** The checks of a request's DSL; only POP3 checks apply to a POP3 reply. */
    static ReplyChecks<Pop3Reply> checks(List<CheckBuilder> builders) {
        return ReplyChecks.of(builders, Pop3CheckType.class, Pop3CheckType.STATUS);
    }
}
