package dev.postillion.mta.access;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections at once per key on this node, across a protocol's two listeners: per client address
 * (an IPv6 /64 counting as one) and, for IMAP, per logged-in user, as Dovecot's
 * mail_max_userip_connections bounds what one user's phone, laptop and web mail keep open. Used
 * from every event loop, so thread-safe.
 */
public final class ConnectionCounts {

    private final int limit;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    public ConnectionCounts(int limit) {
        this.limit = limit;
    }

    /** Counts a connection of {@code key}; false, counting nothing, when it has {@code limit} already. */
    public boolean admit(String key) {
        boolean[] admitted = {false};
        counts.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < limit;
            return admitted[0] ? now + 1 : count;
        });
        return admitted[0];
    }

    public void release(String key) {
        counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }
}
