package dev.postillion.mta.imap;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Connections at once per client address and per logged-in user, counted on this node across both
 * IMAP listeners (Dovecot's mail_max_userip_connections counts per user and address; a phone, a
 * laptop and a web mail each keep a few). Used from every event loop, so thread-safe.
 */
final class ImapLimits {

    private final int perClient;
    private final int perUser;
    private final Map<String, Integer> clients = new ConcurrentHashMap<>();
    private final Map<String, Integer> users = new ConcurrentHashMap<>();

    ImapLimits(int perClient, int perUser) {
        this.perClient = perClient;
        this.perUser = perUser;
    }

    /** Counts a connection from {@code client}; false, counting nothing, when it has too many. */
    boolean admitClient(String client) {
        return admit(clients, client, perClient);
    }

    void releaseClient(String client) {
        release(clients, client);
    }

    /** Counts a session logged in as {@code address}; false, counting nothing, when it has too many. */
    boolean admitUser(String address) {
        return admit(users, address, perUser);
    }

    void releaseUser(String address) {
        release(users, address);
    }

    private static boolean admit(Map<String, Integer> counts, String key, int limit) {
        boolean[] admitted = {false};
        counts.compute(key, (k, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < limit;
            return admitted[0] ? now + 1 : (count == null ? null : count);
        });
        return admitted[0];
    }

    private static void release(Map<String, Integer> counts, String key) {
        counts.computeIfPresent(key, (k, count) -> count <= 1 ? null : count - 1);
    }
}
