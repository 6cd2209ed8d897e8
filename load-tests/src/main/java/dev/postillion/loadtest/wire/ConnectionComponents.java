package dev.postillion.loadtest.wire;

import io.gatling.commons.util.Clock;
import io.gatling.core.CoreComponents;
import io.gatling.core.protocol.ProtocolComponents;
import io.gatling.core.session.Session;
import io.gatling.core.stats.StatsEngine;
import java.util.concurrent.CompletableFuture;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * What the actions of a protocol that holds connections share in a simulation: its endpoint and
 * (for IMAP and POP3) login, Gatling's stats engine and clock, the connector, and the client each
 * user holds between actions.
 *
 * @param <C> the protocol's client
 */
public abstract class ConnectionComponents<C extends Client> implements ProtocolComponents {

    private final Endpoint endpoint;
    private final Login login;
    private final StatsEngine statsEngine;
    private final Clock clock;
    private final Connector connector;
    private final HeldConnection<C> held;

    protected ConnectionComponents(String protocol, Class<C> clientClass, Endpoint endpoint, Login login,
            CoreComponents core) {
        this.endpoint = endpoint;
        this.login = login;
        this.statsEngine = core.statsEngine();
        this.clock = core.clock();
        this.connector = new Connector(endpoint.trust(), endpoint.connectTimeout(), endpoint.replyTimeout(),
                core.configuration());
        this.held = new HeldConnection<>(protocol, clientClass);
    }

    public final Endpoint endpoint() {
        return endpoint;
    }

    /** How users log in; null when the protocol names no credentials. */
    public final Login login() {
        return login;
    }

    /** Connects on the user's own event loop (with implicit TLS, through the handshake). */
    public abstract CompletableFuture<C> connect(Session user);

    public final StatsEngine statsEngine() {
        return statsEngine;
    }

    public final Clock clock() {
        return clock;
    }

    public final Connector connector() {
        return connector;
    }

    /** The client of the user's connection, or null if it has none. */
    public final C clientOf(Session user) {
        return held.of(user);
    }

    /** The user's session holding {@code client} while its connection is open, else none. */
    public final Session holding(Session user, C client) {
        return held.held(user, client != null && client.isOpen() ? client : null);
    }

    @Override
    public Function1<Session, Session> onStart() {
        return user -> user;
    }

    /** A user who leaves the scenario says goodbye on the connection it still holds. */
    @Override
    public Function1<Session, BoxedUnit> onExit() {
        return user -> {
            C client = clientOf(user);
            if (client != null) {
                client.leave();
            }
            return BoxedUnit.UNIT;
        };
    }
}
