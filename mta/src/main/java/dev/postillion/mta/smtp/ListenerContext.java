package dev.postillion.mta.smtp;

import dev.postillion.auth.MessageAuthenticator;
import dev.postillion.mailbox.Directory;
import dev.postillion.mailbox.srs.Srs;
import dev.postillion.mta.login.SaslAuthenticator;
import dev.postillion.mta.policy.content.ContentPolicy;
import dev.postillion.mta.policy.greylist.Greylist;
import dev.postillion.mta.policy.limits.ClientRates;
import dev.postillion.mta.policy.limits.SenderRates;
import dev.postillion.mta.policy.spam.SpamFilter;
import dev.postillion.mta.tls.ServerTls;
import dev.postillion.queue.Spool;
import java.time.Clock;
import java.util.concurrent.Executor;

/** What every {@link SmtpSession} of a listener shares: its role, settings and series, and the node's parts. */
public record ListenerContext(ListenerRole role, SmtpSettings settings, ServerTls tls, String hostname,
        Directory directory, Srs srs, Greylist greylist, Spool spool, Clock clock, ContentPolicy content,
        MessageAuthenticator authenticator, ClientRates rates, SenderRates senders,
        SaslAuthenticator logins, Postmaster postmaster,
        Executor work, SmtpMetrics metrics, SpamFilter spam) {}
