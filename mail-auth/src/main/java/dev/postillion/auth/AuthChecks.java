package dev.postillion.auth;

import dev.postillion.auth.MessageAuthenticator.Authentication;
import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dmarc.DmarcVerdict;
import dev.postillion.auth.spf.SpfResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The checks of incoming mail as a series, {@code postillion_auth_checks_total}, labelled with the
 * method ({@code spf}, {@code dkim}, {@code dmarc}) and the result keyword of RFC 8601 section
 * 2.7 ({@code pass}, {@code fail}, {@code softfail}, {@code temperror}, {@code none}...): one count
 * per SPF check, per DKIM signature (or one {@code none} for a message without any), per DMARC
 * evaluation. A spike of temperror points at DNS; of fail, at forged mail or a broken forwarder.
 */
public final class AuthChecks {

    private final MeterRegistry registry;
    /** The counters by method and result, found without building a meter id for every check. */
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    /** Every method's series for every result it can have exist from the start, at 0. */
    public AuthChecks(MeterRegistry registry) {
        this.registry = registry;
        Arrays.stream(SpfResult.values()).forEach(result -> counter("spf", result.keyword()));
        Arrays.stream(DkimResult.Status.values()).forEach(status -> counter("dkim", status.keyword()));
        counter("dkim", "none");
        Arrays.stream(DmarcVerdict.Result.values()).forEach(result -> counter("dmarc", result.keyword()));
    }

    /** Counted nowhere: for checks run outside a node (tests, tools). */
    public static AuthChecks uncounted() {
        return new AuthChecks(new SimpleMeterRegistry());
    }

    /** Counts what a message's checks found. */
    void found(Authentication authentication) {
        authentication.spf().ifPresent(spf -> count("spf", spf.result().keyword()));
        authentication.dkim().ifPresent(signatures -> {
            if (signatures.isEmpty()) {
                count("dkim", "none");
            }
            for (DkimResult signature : signatures) {
                count("dkim", signature.status().keyword());
            }
        });
        authentication.dmarc().ifPresent(dmarc -> count("dmarc", dmarc.result().keyword()));
    }

    private void count(String method, String result) {
        counter(method, result).increment();
    }

    private Counter counter(String method, String result) {
        return counters.computeIfAbsent(method + "/" + result, key -> Counter.builder("postillion.auth.checks")
                .description("SPF, DKIM and DMARC checks of incoming mail by result")
                .tag("method", method).tag("result", result).register(registry));
    }
}
