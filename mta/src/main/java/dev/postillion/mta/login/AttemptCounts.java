package dev.postillion.mta.login;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.UnaryOperator;

/**
 * The {@link AuthThrottle}'s attempts in a row per account on this node, bounded in
 * number and changed without a lock. Sessions count on their event loops, which never wait
 * (ARCHITECTURE rule 1): a key's count is an immutable value replaced by compare-and-set, and the
 * map itself changes only when a key comes or goes.
 *
 * <p>A count older than {@code forgetAfter} counts as none. Once more than {@code max} keys are
 * held, the session that added the last one sweeps: it drops the counts that count as none, then,
 * if that is not enough, the least recently counted, down to three quarters of {@code max}, so a
 * sweep runs at most once per quarter of {@code max} keys added. Other sessions do not wait for a
 * sweep under way; they may add a few keys beyond {@code max} meanwhile.
 */
final class AttemptCounts {

    record Attempts(int inARow, long lastMillis) {}

    private static final Attempts NONE = new Attempts(0, 0);
    /** Put in place of a count being dropped: whoever meets it drops the key and starts a new count. */
    private static final Attempts DROPPED = new Attempts(0, Long.MIN_VALUE);

    private final Map<String, AtomicReference<Attempts>> counts = new ConcurrentHashMap<>();
    private final int max;
    private final long forgetAfterMillis;
    private final AtomicBoolean sweeping = new AtomicBoolean();

    AttemptCounts(int max, Duration forgetAfter) {
        this.max = max;
        this.forgetAfterMillis = forgetAfter.toMillis();
        // The map's table is made now: two sessions making it at once, at their first attempts,
        // would have the loser yield its thread, a wait on an event loop.
        counts.put("", new AtomicReference<>(NONE));
        counts.remove("");
    }

    /** Counts an attempt; returns the attempts in a row counted before it. */
    int count(String key, long now) {
        return change(key, now, true, attempts -> new Attempts(attempts.inARow() + 1, now)).inARow();
    }

    /** Takes back one attempt, keeping the time of the last. */
    void takeBack(String key, long now) {
        change(key, now, false, attempts -> attempts.inARow() <= 1 ? NONE
                : new Attempts(attempts.inARow() - 1, attempts.lastMillis()));
    }

    void clear(String key, long now) {
        change(key, now, false, attempts -> NONE);
    }

    int size() {
        return counts.size();
    }

    /**
     * Applies {@code change} to the key's count as one atomic step, retried when another session
     * changed the count meanwhile; returns the count it changed (none when absent or forgotten).
     *
     * @param add whether an absent key is added, or left absent
     */
    private Attempts change(String key, long now, boolean add, UnaryOperator<Attempts> change) {
        while (true) {
            AtomicReference<Attempts> count = counts.get(key);
            if (count == null) {
                if (!add) {
                    return NONE;
                }
                count = added(key, now);
            }
            Attempts before = count.get();
            if (before == DROPPED) {
                counts.remove(key, count);
                continue;
            }
            Attempts fresh = fresh(before, now);
            Attempts after = change.apply(fresh);
            if (after == fresh && fresh == before || count.compareAndSet(before, after)) {
                return fresh;
            }
        }
    }

    /** The key's count, added by this session or by another that came first. */
    private AtomicReference<Attempts> added(String key, long now) {
        AtomicReference<Attempts> created = new AtomicReference<>(NONE);
        AtomicReference<Attempts> existing = counts.putIfAbsent(key, created);
        if (existing != null) {
            return existing;
        }
        if (counts.size() > max && sweeping.compareAndSet(false, true)) {
            try {
                sweep(now);
            } finally {
                sweeping.set(false);
            }
        }
        return created;
    }

    private void sweep(long now) {
        long[] lastCounted = new long[counts.size()];
        int live = 0;
        for (Map.Entry<String, AtomicReference<Attempts>> entry : counts.entrySet()) {
            Attempts attempts = entry.getValue().get();
            if (attempts.inARow() == 0 || fresh(attempts, now) == NONE) {
                drop(entry.getKey(), entry.getValue(), attempts);
            } else if (live < lastCounted.length) {
                lastCounted[live++] = attempts.lastMillis();
            }
        }
        int excess = counts.size() - (max - max / 4);
        if (excess <= 0 || live == 0) {
            return;
        }
        Arrays.sort(lastCounted, 0, live);
        long cutoff = lastCounted[Math.min(excess, live) - 1];
        int dropped = 0;
        for (Map.Entry<String, AtomicReference<Attempts>> entry : counts.entrySet()) {
            Attempts attempts = entry.getValue().get();
            boolean older = attempts.lastMillis() < cutoff || attempts.lastMillis() == cutoff && dropped < excess;
            if (older && drop(entry.getKey(), entry.getValue(), attempts)) {
                dropped++;
            }
        }
    }

    /** Drops the key unless its count changed since it was seen: a count is never lost half-way. */
    private boolean drop(String key, AtomicReference<Attempts> count, Attempts seen) {
        if (seen == DROPPED || !count.compareAndSet(seen, DROPPED)) {
            return false;
        }
        counts.remove(key, count);
        return true;
    }

    private Attempts fresh(Attempts attempts, long now) {
        return attempts == DROPPED || now - attempts.lastMillis() > forgetAfterMillis ? NONE : attempts;
    }
}
