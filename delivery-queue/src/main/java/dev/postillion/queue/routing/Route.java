package dev.postillion.queue.routing;

import java.util.List;

/** What DNS says about a next hop at the time of one delivery attempt. */
public sealed interface Route {

    /** Hosts to try in order (RFC 5321 section 5.1: lowest preference first). */
    record Hosts(List<MailHost> hosts) implements Route {
        public Hosts {
            hosts = List.copyOf(hosts);
        }
    }

    /**
     * The destination cannot receive mail, now or later: a null MX (RFC 7505, 5.1.10), a domain
     * that does not exist or has neither MX nor address (5.1.2), or MX hosts none of which exists
     * (5.4.4). Its recipients fail at once.
     *
     * @param dsn the RFC 3463 status for the report
     * @param reason what DNS said, for the log and the report
     */
    record Unroutable(String dsn, String reason) implements Route {}

    /**
     * DNS failed for now (SERVFAIL, timeout: 4.4.3), or a host named in configuration has no
     * address (4.4.4): recipients are deferred.
     */
    record Unresolved(String dsn, String reason) implements Route {}
}
