package dev.postillion.auth.dkim;

import dev.postillion.auth.TxtLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Key records served from memory, answered on another thread as DNS would be. Names are
 * case-insensitive; a name can be made to fail as a DNS timeout does.
 */
final class DkimZone implements TxtLookup {

    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final AtomicInteger queries = new AtomicInteger();

    /** Adds TXT records at {@code name}, each one string as a whole. */
    DkimZone add(String name, String... texts) {
        records.computeIfAbsent(key(name), k -> new ArrayList<>()).addAll(List.of(texts));
        return this;
    }

    /** From now on, lookups of {@code name} fail for now, as after a DNS timeout. */
    DkimZone failing(String name) {
        failing.add(key(name));
        return this;
    }

    int queries() {
        return queries.get();
    }

    @Override
    public CompletionStage<Answer> txt(String name) {
        queries.incrementAndGet();
        return CompletableFuture.supplyAsync(() -> answer(key(name)));
    }

    private Answer answer(String name) {
        if (failing.contains(name)) {
            return new Failed("DNS lookup of " + name + " failed: timed out");
        }
        List<String> found = records.get(name);
        return found == null ? new NotFound(name + " does not exist") : new Found(List.copyOf(found));
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
