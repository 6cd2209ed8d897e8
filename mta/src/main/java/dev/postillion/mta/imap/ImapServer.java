package dev.postillion.mta.imap;

import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.smtp.ClientNetworks;
import dev.postillion.mta.smtp.ContentMemory;
import dev.postillion.mta.smtp.EventLoopDispatchers;
import dev.postillion.mta.smtp.SaslAuthenticator;
import dev.postillion.mta.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/** The node's IMAP service: its two listeners and the parent of their sessions. */
public final class ImapServer {

    private final ImapListener plain;
    private final ImapListener implicitTls;
    private final ActorRef<ImapSessions.Command> sessions;

    private ImapServer(ImapListener plain, ImapListener implicitTls, ActorRef<ImapSessions.Command> sessions) {
        this.plain = plain;
        this.implicitTls = implicitTls;
        this.sessions = sessions;
    }

    /** Starts both listeners; sessions run on the event loops of {@code io}. */
    public static ImapServer start(ActorSystem<?> system, ImapSettings settings, ServerTls tls, String hostname,
            Directory directory, Mailboxes mailboxes, SaslAuthenticator logins, Clock clock, ContentMemory memory,
            EventLoopGroup io, EventLoopDispatchers dispatchers) throws InterruptedException {
        ActorRef<ImapSessions.Command> sessions = system.systemActorOf(ImapSessions.create(dispatchers),
                "imap-sessions", Props.empty());
        ImapContext context = new ImapContext(settings, tls, hostname,
                new ImapLimits(settings.maxConnectionsPerClient(), settings.maxConnectionsPerUser()), memory,
                ClientNetworks.parse(settings.plaintextLoginNetworks()), sessions, directory, mailboxes, logins,
                clock);
        return new ImapServer(ImapListener.start(context, io, false), ImapListener.start(context, io, true),
                sessions);
    }

    public int plainPort() {
        return plain.port();
    }

    public int implicitTlsPort() {
        return implicitTls.port();
    }

    public void stopAccepting() {
        plain.stopAccepting();
        implicitTls.stopAccepting();
    }

    /** Every session says BYE and closes: IMAP sessions hold no transaction to finish. */
    public void closeAll() {
        sessions.tell(new ImapSessions.CloseAll());
    }
}
