package dev.postillion.mta.imap;

import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.Mailboxes;
import dev.postillion.mta.access.AccessSessions;
import dev.postillion.mta.access.ConnectionCounts;
import dev.postillion.mta.access.ContentReads;
import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.net.ContentMemory;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.tls.ServerTls;
import java.time.Clock;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * What every {@link ImapSession} of the node shares: its settings and the node's parts, among them
 * the content memory its literals, and the messages it reads for FETCH and SEARCH, take their room
 * in, with the SMTP listeners' messages.
 */
record ImapContext(ImapSettings settings, ServerTls tls, String hostname, ConnectionCounts clients,
        ConnectionCounts users, ContentMemory memory, ContentReads reads, ClientNetworks plaintextLogins,
        ActorRef<AccessSessions.Command> sessions, Directory directory, Mailboxes mailboxes, SaslAuthenticator logins,
        Clock clock) {}
