package dev.postillion.mta.imap;

import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.access.AccessServer;
import dev.postillion.mta.access.ConnectionCounts;
import dev.postillion.mta.access.ContentReads;
import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.net.ContentMemory;
import dev.postillion.mta.net.EventLoopDispatchers;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorSystem;

/** The node's IMAP service: what its sessions share, on the two listeners of {@link AccessServer}. */
public final class ImapServer {

    private ImapServer() {}

    /** Starts both listeners; sessions run on the event loops of {@code io}. */
    public static AccessServer start(ActorSystem<?> system, ImapSettings settings, ServerTls tls, String hostname,
            Directory directory, Mailboxes mailboxes, SaslAuthenticator logins, Clock clock, ContentMemory memory,
            ContentReads reads, EventLoopGroup io, EventLoopDispatchers dispatchers) throws InterruptedException {
        ConnectionCounts clients = new ConnectionCounts(settings.maxConnectionsPerClient());
        ConnectionCounts users = new ConnectionCounts(settings.maxConnectionsPerUser());
        ClientNetworks plaintextLogins = ClientNetworks.parse(settings.plaintextLoginNetworks());
        return AccessServer.start(system, "IMAP", new AccessServer.Endpoint(settings.plainBind(), settings.plainPort()),
                new AccessServer.Endpoint(settings.tlsBind(), settings.tlsPort()), settings.idleTimeout(), tls, io,
                dispatchers, sessions -> {
                    ImapContext context = new ImapContext(settings, tls, hostname, clients, users, memory,
                            reads, plaintextLogins, sessions, directory, mailboxes, logins, clock);
                    return implicitTls -> new ImapConnection(context, implicitTls);
                });
    }
}
