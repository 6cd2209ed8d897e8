package dev.postillion.core;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/**
 * TLS handshakes as a series, {@code postillion_tls_handshakes_total}, labelled {@code direction}
 * ({@code inbound}: clients of the SMTP, IMAP and POP3 listeners; {@code outbound}: servers mail
 * is relayed to) and {@code result} ({@code success}, {@code failure}). Inbound failures rising
 * after a certificate change point at the certificate; outbound ones at a next hop's.
 */
public final class TlsHandshakes {

    private final Counter inboundSucceeded;
    private final Counter inboundFailed;
    private final Counter outboundSucceeded;
    private final Counter outboundFailed;

    public TlsHandshakes(MeterRegistry registry) {
        inboundSucceeded = counter(registry, "inbound", "success");
        inboundFailed = counter(registry, "inbound", "failure");
        outboundSucceeded = counter(registry, "outbound", "success");
        outboundFailed = counter(registry, "outbound", "failure");
    }

    /** Counted nowhere: for TLS outside a node (tests, tools). */
    public static TlsHandshakes uncounted() {
        return new TlsHandshakes(new SimpleMeterRegistry());
    }

    public void inbound(boolean succeeded) {
        (succeeded ? inboundSucceeded : inboundFailed).increment();
    }

    public void outbound(boolean succeeded) {
        (succeeded ? outboundSucceeded : outboundFailed).increment();
    }

    private static Counter counter(MeterRegistry registry, String direction, String result) {
        return Counter.builder("postillion.tls.handshakes").description("TLS handshakes by direction and result")
                .tag("direction", direction).tag("result", result).register(registry);
    }
}
