package dev.postillion.auth;

import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.NameService;
import dev.postillion.core.testing.DnsRecords;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.xbill.DNS.Type;

/**
 * TXT records (DKIM keys, DMARC policies) served from memory, answered on another thread as DNS
 * would be. Names are case-insensitive; a name can be made to fail as a DNS timeout does.
 */
public final class TxtZone implements NameService {

    private final Map<String, List<String>> records = new ConcurrentHashMap<>();
    private final Set<String> failing = ConcurrentHashMap.newKeySet();
    private final List<String> asked = new CopyOnWriteArrayList<>();

    /** Adds TXT records at {@code name}, each one string as a whole. */
    public TxtZone add(String name, String... texts) {
        records.computeIfAbsent(key(name), k -> new ArrayList<>()).addAll(List.of(texts));
        return this;
    }

    /** From now on, lookups of {@code name} fail for now, as after a DNS timeout. */
    public TxtZone failing(String name) {
        failing.add(key(name));
        return this;
    }

    /** The names asked, in order. */
    public List<String> asked() {
        return List.copyOf(asked);
    }

    @Override
    public CompletionStage<DnsAnswer> query(String name, int type) {
        asked.add(name);
        return CompletableFuture.supplyAsync(() -> answer(name, type));
    }

    /** TXT records only, as DKIM keys and DMARC policies are published. */
    private DnsAnswer answer(String name, int type) {
        if (failing.contains(key(name))) {
            return DnsAnswer.failure(name, type, "timed out");
        }
        List<String> found = type == Type.TXT ? records.get(key(name)) : null;
        return found == null
                ? new DnsAnswer(name, type, DnsAnswer.Outcome.NO_SUCH_DOMAIN, List.of(), "")
                : DnsAnswer.of(name, type, found.stream().map(DnsRecords::txt).toList());
    }

    private static String key(String name) {
        return name.toLowerCase(Locale.ROOT);
    }
}
