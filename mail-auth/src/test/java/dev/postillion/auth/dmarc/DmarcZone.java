package dev.postillion.auth.dmarc;

import dev.postillion.auth.TxtLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** TXT records served from memory on another thread, as DNS answers; a name can be made to fail. */
final class DmarcZone implements TxtLookup {

    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    DmarcZone add(String name, String... texts) {
        records.computeIfAbsent(key(name), k -> new ArrayList<>()).addAll(List.of(texts));
        return this;
    }

    DmarcZone failing(String name) {
        failing.add(key(name));
        return this;
    }

    /** The names asked, in order. */
    List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public CompletionStage<Answer> txt(String name) {
        asked.add(name);
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
