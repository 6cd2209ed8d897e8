package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.Connector;
import dev.postillion.loadtest.wire.HeldConnection;
import io.gatling.commons.util.Clock;
import io.gatling.core.CoreComponents;
import io.gatling.core.config.GatlingConfiguration;
import io.gatling.core.protocol.ProtocolComponents;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import io.netty.handler.ssl.SslContext;
import java.util.concurrent.CompletableFuture;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * What the SMTP actions of one simulation share: the protocol's settings, Gatling's stats engine
 * and clock, and the connector that puts each connection on its virtual user's event loop.
 */
final class SmtpComponents implements ProtocolComponents {

    private static final HeldConnection<SmtpClient> HELD = new HeldConnection<>("smtp", SmtpClient.class);

    private final SmtpProtocol protocol;
    private final StatsEngine statsEngine;
    private final Clock clock;
    private final Connector connector;

    SmtpComponents(SmtpProtocol protocol, CoreComponents core) {
        this(protocol, core.statsEngine(), core.clock(), core.configuration());
    }

    SmtpComponents(SmtpProtocol protocol, StatsEngine statsEngine, Clock clock, GatlingConfiguration configuration) {
        this.protocol = protocol;
        this.statsEngine = statsEngine;
        this.clock = clock;
        this.connector = new Connector(protocol.trust(), protocol.connectTimeout(), protocol.replyTimeout(), configuration);
    }

    SmtpProtocol protocol() {
        return protocol;
    }

    StatsEngine statsEngine() {
        return statsEngine;
    }

    Clock clock() {
        return clock;
    }

    SslContext tls() {
        return connector.tls();
    }

    /** Connects on the user's own event loop; with implicit TLS the handshake is part of it. */
    CompletableFuture<SmtpClient> connect(Session user) {
        return connector.<SmtpReply>connect(user, protocol.host(), protocol.port(), protocol.tls(), SmtpReplyDecoder::new)
                .thenApply(SmtpClient::new);
    }

    /** The client of the user's connection, or null if it has none. */
    static SmtpClient clientOf(Session user) {
        return HELD.of(user);
    }

    /** The user's session holding {@code client}, or none if it is null. */
    static Session holding(Session user, SmtpClient client) {
        return HELD.held(user, client);
    }

    @Override
    public Function1<Session, Session> onStart() {
        return user -> user;
    }

    /** A user who leaves the scenario says QUIT on the connection it still holds. */
    @Override
    public Function1<Session, BoxedUnit> onExit() {
        return user -> {
            SmtpClient client = clientOf(user);
            if (client != null) {
                client.quitQuietly();
            }
            return BoxedUnit.UNIT;
        };
    }
}
