package dev.postillion.mta.managesieve;

import dev.postillion.mailbox.Directory;
import dev.postillion.mta.access.AccessServer;
import dev.postillion.mta.access.ConnectionCounts;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.net.EventLoopDispatchers;
import dev.postillion.mta.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The node's ManageSieve service (RFC 5804): users keep their Sieve scripts with Thunderbird's
 * Sieve add-on or {@code sieve-connect}. One listener, STARTTLS on it (the protocol has no
 * implicit-TLS port), on {@link AccessServer} as IMAP and POP3 are.
 */
public final class ManageSieveServer {

    private ManageSieveServer() {}

    /** Starts the listener; sessions run on the event loops of {@code io}. */
    public static AccessServer start(ActorSystem<?> system, ManageSieveSettings settings,
            ServerTls tls, String hostname, Directory directory, SaslAuthenticator logins, EventLoopGroup io,
            EventLoopDispatchers dispatchers) throws InterruptedException {
        ClientNetworks plaintextLogins = ClientNetworks.parse(settings.plaintextLoginNetworks());
        ConnectionCounts clients = new ConnectionCounts(settings.maxConnectionsPerClient());
        return AccessServer.start(system, "ManageSieve", new AccessServer.Endpoint(settings.bind(), settings.port()),
                null, settings.idleTimeout(), tls, io, dispatchers, sessions -> {
                    ManageSieveContext context = new ManageSieveContext(settings, tls, hostname, clients,
                            plaintextLogins, sessions, directory, logins);
                    return implicitTls -> new ManageSieveConnection(context);
                });
    }
}
