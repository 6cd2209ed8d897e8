package dev.postillion.core.dns;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Locale;
import org.xbill.DNS.Type;

/**
 * The node's DNS questions as a series, {@code postillion_dns_lookups_total}, labelled with the
 * record type asked for ({@code MX}, {@code TXT}, {@code TLSA}...) and the kind of answer
 * ({@code records}, {@code no_such_domain}, {@code no_data}, {@code failed}): a resolver that
 * stops answering shows as failed lookups before mail is deferred for it. Answers from the cache
 * count too: they are what the node asked.
 */
public final class DnsLookups {

    private final MeterRegistry registry;

    public DnsLookups(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Counted nowhere: for a name service used outside a node (tests, tools). */
    public static DnsLookups uncounted() {
        return new DnsLookups(new SimpleMeterRegistry());
    }

    /** Counts one question and the kind of answer it got. */
    void answered(DnsAnswer answer) {
        Counter.builder("postillion.dns.lookups").description("DNS questions by record type and kind of answer")
                .tag("type", Type.string(answer.type())).tag("result", answer.outcome().name().toLowerCase(Locale.ROOT))
                .register(registry).increment();
    }
}
