package dev.postillion.mta.managesieve;

import dev.postillion.mailbox.Directory;
import dev.postillion.mta.access.AccessSessions;
import dev.postillion.mta.access.ConnectionCounts;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.tls.ServerTls;
import org.apache.pekko.actor.typed.ActorRef;

/** What every {@link ManageSieveSession} of the node shares: its settings and the node's parts. */
record ManageSieveContext(ManageSieveSettings settings, ServerTls tls, String hostname, ConnectionCounts clients,
        ClientNetworks plaintextLogins, ActorRef<AccessSessions.Command> sessions, Directory directory,
        SaslAuthenticator logins) {

    /** The largest literal a command may carry: a script of the largest size an address may keep. */
    int maxLiteral() {
        return directory.sieve().limits().maxScriptBytes();
    }
}
