package dev.postillion.loadtest.wire;

import io.gatling.core.session.Session;
import scala.Option;

/**
 * Where a virtual user keeps a protocol's client between actions: an attribute of its session,
 * set while the client's connection is open.
 *
 * @param <C> the protocol's client
 */
public final class HeldConnection<C> {

    private final String attribute;
    private final Class<C> clientClass;

    /** @param protocol the protocol's name, which names the session attribute */
    public HeldConnection(String protocol, Class<C> clientClass) {
        this.attribute = "gatling." + protocol + ".connection";
        this.clientClass = clientClass;
    }

    /** The client the user holds, or null if it holds none. */
    public C of(Session user) {
        Option<Object> client = user.attributes().get(attribute);
        return client.isDefined() ? clientClass.cast(client.get()) : null;
    }

    /** The user's session holding {@code client}, or none if it is null. */
    public Session held(Session user, C client) {
        return client == null ? user.remove(attribute) : user.set(attribute, client);
    }
}
