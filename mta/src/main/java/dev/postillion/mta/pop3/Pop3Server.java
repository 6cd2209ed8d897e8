package dev.postillion.mta.pop3;

import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.access.AccessServer;
import dev.postillion.mta.access.ConnectionCounts;
import dev.postillion.mta.access.ContentReads;
import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.net.EventLoopDispatchers;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorSystem;

/**
 * The node's POP3 service: what its sessions share, on the two listeners of {@link AccessServer}.
 * At shutdown every session closes: one that has not sent QUIT deletes nothing (RFC 1939
 * section 6), and a QUIT already under way finishes its deletions in the mailbox actor.
 */
public final class Pop3Server {

    private Pop3Server() {}

    /** Starts both listeners; sessions run on the event loops of {@code io}. */
    public static AccessServer start(ActorSystem<?> system, Pop3Settings settings, ServerTls tls, String hostname,
            Directory directory, Mailboxes mailboxes, SaslAuthenticator logins, ContentReads reads, EventLoopGroup io,
            EventLoopDispatchers dispatchers) throws InterruptedException {
        ClientNetworks plaintextLogins = ClientNetworks.parse(settings.plaintextLoginNetworks());
        ConnectionCounts clients = new ConnectionCounts(settings.maxConnectionsPerClient());
        return AccessServer.start(system, "POP3", new AccessServer.Endpoint(settings.plainBind(), settings.plainPort()),
                new AccessServer.Endpoint(settings.tlsBind(), settings.tlsPort()), settings.idleTimeout(), tls, io,
                dispatchers, sessions -> {
                    Pop3Context context = new Pop3Context(settings, tls, hostname, clients, plaintextLogins, sessions,
                            directory, mailboxes, logins, reads, ConcurrentHashMap.newKeySet());
                    return implicitTls -> new Pop3Connection(context, implicitTls);
                });
    }
}
