package dev.postillion.mta.pop3;

import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.access.AccessSessions;
import dev.postillion.mta.access.ConnectionCounts;
import dev.postillion.mta.access.ContentReads;
import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.tls.ServerTls;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every {@link Pop3Session} of the node shares: its settings, the node's parts (among them the
 * content memory RETR and TOP read messages in), and the
 * addresses whose maildrop a session of this node holds (RFC 1939 section 4's exclusive lock).
 */
record Pop3Context(Pop3Settings settings, ServerTls tls, String hostname, ConnectionCounts clients,
        ClientNetworks plaintextLogins,
        ActorRef<AccessSessions.Command> sessions, Directory directory, Mailboxes mailboxes,
        SaslAuthenticator logins, ContentReads reads, Set<String> locked) {}
