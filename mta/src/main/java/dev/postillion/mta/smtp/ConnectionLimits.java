package dev.postillion.mta.smtp;

import dev.postillion.mta.net.ClientNetworks;
import dev.postillion.mta.policy.limits.LimitSettings;
import java.net.InetAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connection limits of one listener, checked when a connection opens and before any session
 * exists for it: concurrent connections overall and per client IP address, and new connections
 * per client per minute. Counted on this node, as Postfix's anvil(8) counts per host. Over a
 * limit the client gets {@code 421 4.7.0} and the connection closes (RFC 5321 section 3.1 lets a
 * server refuse a connection with 421 in place of the greeting).
 *
 * <p>Clients in {@code postillion.smtp.relay-networks} and {@code postillion.limits.exempt-networks}
 * are not held to the per-client limits, as Postfix's {@code smtpd_client_event_limit_exceptions}
 * defaults to {@code $mynetworks}; they count towards the overall limit, and they alone may take
 * its last {@code reserved-connections}, so that a flood of other clients cannot lock them out.
 * Used from every event loop at once, so thread-safe.
 */
public final class ConnectionLimits {

    private static final Duration WINDOW = Duration.ofMinutes(1);

    private final LimitSettings settings;
    private final ClientNetworks exempt;
    private final Clock clock;
    private final String hostname;
    private final AtomicInteger open = new AtomicInteger();
    /** Keyed by {@link ClientNetworks#clientKey}: an IPv4 address or an IPv6 /64. */
    private final Map<String, Integer> openPerClient = new ConcurrentHashMap<>();
    private final Map<String, Window> ratePerClient = new ConcurrentHashMap<>();
    private volatile Instant lastSweep;

    /** A client's fixed one-minute window of new connections. */
    private record Window(Instant start, int count) {}

    public ConnectionLimits(LimitSettings settings, ClientNetworks exempt, Clock clock, String hostname) {
        this.settings = settings;
        this.exempt = exempt;
        this.clock = clock;
        this.hostname = hostname;
        this.lastSweep = clock.instant();
    }

    /** How long the greeting waits to catch early talkers; zero when it does not wait. */
    Duration greetingDelay() {
        return settings.greetingDelay();
    }

    /**
     * Counts a new connection from {@code client}. Empty when it is admitted, and then
     * {@link #release} must follow when it closes; otherwise the 421 to close it with.
     */
    Optional<Reply> admit(InetAddress client) {
        boolean perClient = !exempt.contains(client);
        int overall = settings.maxConnections();
        // Attempts count towards the rate whatever becomes of them, as in anvil(8).
        if (perClient && settings.connectionRatePerClient() > 0
                && countAttempt(client) > settings.connectionRatePerClient()) {
            return Optional.of(Replies.connectionRateExceeded(hostname));
        }
        if (!reserve(perClient && overall > 0 ? overall - settings.reservedConnections() : overall)) {
            return Optional.of(Replies.tooManyConnections(hostname));
        }
        if (perClient && !reserveForClient(client)) {
            open.decrementAndGet();
            return Optional.of(Replies.tooManyConnectionsFromClient(hostname));
        }
        return Optional.empty();
    }

    /** The admitted connection from {@code client} has closed. */
    void release(InetAddress client) {
        open.decrementAndGet();
        if (!exempt.contains(client)) {
            openPerClient.computeIfPresent(ClientNetworks.clientKey(client), (address, count) -> count > 1 ? count - 1 : null);
        }
    }

    /** Connections admitted and still open, for tests and metrics. */
    int open() {
        return open.get();
    }

    private boolean reserve(int limit) {
        while (true) {
            int current = open.get();
            if (limit > 0 && current >= limit) {
                return false;
            }
            if (open.compareAndSet(current, current + 1)) {
                return true;
            }
        }
    }

    private boolean reserveForClient(InetAddress client) {
        int limit = settings.maxConnectionsPerClient();
        boolean[] reserved = new boolean[1];
        openPerClient.compute(ClientNetworks.clientKey(client), (address, count) -> {
            int current = count == null ? 0 : count;
            reserved[0] = limit == 0 || current < limit;
            int next = reserved[0] ? current + 1 : current;
            return next == 0 ? null : next;
        });
        return reserved[0];
    }

    private int countAttempt(InetAddress client) {
        Instant now = clock.instant();
        sweep(now);
        return ratePerClient.compute(ClientNetworks.clientKey(client), (address, window) -> window == null || expired(window, now)
                ? new Window(now, 1) : new Window(window.start(), saturatedIncrement(window.count()))).count();
    }

    /** Once a minute, forgets the windows that have ended, so that the map holds recent clients only. */
    private void sweep(Instant now) {
        Instant last = lastSweep;
        if (now.isBefore(last.plus(WINDOW))) {
            return;
        }
        lastSweep = now;
        ratePerClient.values().removeIf(window -> expired(window, now));
    }

    private static boolean expired(Window window, Instant now) {
        return !now.isBefore(window.start().plus(WINDOW));
    }

    private static int saturatedIncrement(int count) {
        return count == Integer.MAX_VALUE ? count : count + 1;
    }
}
