package dev.postillion.mta.pop3;

import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.smtp.ClientNetworks;
import dev.postillion.mta.smtp.EventLoopDispatchers;
import dev.postillion.mta.smtp.SaslAuthenticator;
import dev.postillion.mta.tls.ServerTls;
import io.netty.channel.EventLoopGroup;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;

/** The node's POP3 service: its two listeners and the parent of their sessions. */
public final class Pop3Server {

    private final Pop3Listener plain;
    private final Pop3Listener implicitTls;
    private final ActorRef<Pop3Sessions.Command> sessions;

    private Pop3Server(Pop3Listener plain, Pop3Listener implicitTls, ActorRef<Pop3Sessions.Command> sessions) {
        this.plain = plain;
        this.implicitTls = implicitTls;
        this.sessions = sessions;
    }

    /** Starts both listeners; sessions run on the event loops of {@code io}. */
    public static Pop3Server start(ActorSystem<?> system, Pop3Settings settings, ServerTls tls, String hostname,
            Directory directory, Mailboxes mailboxes, SaslAuthenticator logins, EventLoopGroup io,
            EventLoopDispatchers dispatchers) throws InterruptedException {
        ActorRef<Pop3Sessions.Command> sessions = system.systemActorOf(Pop3Sessions.create(dispatchers),
                "pop3-sessions", Props.empty());
        Pop3Context context = new Pop3Context(settings, tls, hostname,
                ClientNetworks.parse(settings.plaintextLoginNetworks()), sessions, directory, mailboxes, logins,
                ConcurrentHashMap.newKeySet());
        return new Pop3Server(Pop3Listener.start(context, io, false), Pop3Listener.start(context, io, true),
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

    /**
     * Every session closes: one that has not sent QUIT deletes nothing (RFC 1939 section 6), and
     * a QUIT already under way finishes its deletions in the mailbox actor.
     */
    public void closeAll() {
        sessions.tell(new Pop3Sessions.CloseAll());
    }
}
