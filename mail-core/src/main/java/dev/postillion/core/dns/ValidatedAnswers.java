package dev.postillion.core.dns;

import dev.postillion.core.dns.SecureNameService.SecureAnswer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.xbill.DNS.Name;

/**
 * The answers {@link SecureNameService} validated, each kept for as long as it says: dnsjava's
 * validating resolver caches only the keys of the chain, so without this every MX and TLSA
 * question of every delivery would go to the servers. Bounded: past {@value #MAX_ENTRIES} answers
 * the least recently used goes. Thread-safe.
 */
final class ValidatedAnswers {

    /** Answers at most; a name and type is a few hundred bytes, so the whole stays a few MB. */
    static final int MAX_ENTRIES = 10_000;

    private record Question(Name name, int type) {}

    private record Kept(SecureAnswer answer, long expiresAt) {}

    private final Map<Question, Kept> kept = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Question, Kept> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    /** The answer kept for the question, named as now asked; empty when none is, or it expired. */
    synchronized Optional<SecureAnswer> get(String asked, Name name, int type) {
        Question question = new Question(name, type);
        Kept answer = kept.get(question);
        if (answer == null) {
            return Optional.empty();
        }
        if (System.nanoTime() - answer.expiresAt() >= 0) {
            kept.remove(question);
            return Optional.empty();
        }
        DnsAnswer found = answer.answer().answer();
        return Optional.of(new SecureAnswer(
                new DnsAnswer(asked, type, found.outcome(), found.records(), found.reason()), answer.answer().secure()));
    }

    /** Keeps the answer for {@code ttl}; one of no time is not kept. */
    synchronized void put(Name name, int type, SecureAnswer answer, Duration ttl) {
        if (!ttl.isNegative() && !ttl.isZero()) {
            kept.put(new Question(name, type), new Kept(answer, System.nanoTime() + ttl.toNanos()));
        }
    }
}
