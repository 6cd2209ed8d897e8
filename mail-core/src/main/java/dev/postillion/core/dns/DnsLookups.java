package dev.postillion.core.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.xbill.DNS.Type;

/**
 * The node's DNS questions as a series, {@code postillion_dns_lookups_total}, labelled with the
 * record type asked for ({@code MX}, {@code TXT}, {@code TLSA}...) and the kind of answer
 * ({@code records}, {@code no_such_domain}, {@code no_data}, {@code failed}): a resolver that
 * stops answering shows as failed lookups before mail is deferred for it. Answers from the cache
 * count too: they are what the node asked.
 */
public final class DnsLookups {

    /** The types mail asks for, whose series exist from the start; others appear when first asked. */
    private static final int[] MAIL_TYPES = {Type.A, Type.AAAA, Type.MX, Type.TXT, Type.TLSA, Type.PTR};

    private final MeterRegistry registry;
    /** The counters by type and answer, found without building a meter id on every lookup. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    public DnsLookups(MeterRegistry registry) {
        this.registry = registry;
        for (int type : MAIL_TYPES) {
            for (DnsAnswer.Outcome outcome : DnsAnswer.Outcome.values()) {
                counter(type, outcome);
            }
        }
    }

    /** Counted nowhere: for a name service used outside a node (tests, tools). */
    public static DnsLookups uncounted() {
        return new DnsLookups(new SimpleMeterRegistry());
    }

    /** Counts one question and the kind of answer it got. */
    void answered(DnsAnswer answer) {
        counter(answer.type(), answer.outcome()).increment();
    }

    private Counter counter(int type, DnsAnswer.Outcome outcome) {
        return counters.computeIfAbsent(type + "/" + outcome, key -> Counter.builder("postillion.dns.lookups")
                .description("DNS questions by record type and kind of answer")
                .tag("type", Type.string(type)).tag("result", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry));
    }
}
