package dev.postillion.core.dns;

import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether DNSSEC validation works with the configured DNS servers. Servers that do not pass
 * DNSSEC records on (some forwarders strip them) make every validated answer bogus, which would
 * defer all outbound mail. Then routes are looked up without validation instead, as Postfix does
 * with a resolver that does not validate: every destination is insecure, so DANE does not apply,
 * and {@code dane-only} destinations wait. The degraded state is loud: an ERROR in the log, and
 * {@link #state()} for the health check and the metrics.
 *
 * <p>Only servers that strip the records count: signatures that do not verify may be an attack,
 * and their answers stay failed questions (RFC 4035 section 5.5), the mail deferred.
 *
 * <p>Checked at start, by validating the trust anchor's own DNSKEY records; again, at most every
 * {@link #RECHECK}, while validation is unavailable (so that fixed servers are noticed without a
 * restart) and when a validated question fails (so that servers that stop passing the records on
 * are noticed too).
 */
public final class DnssecValidation {

    /** What DNSSEC does for routing now. */
    public enum State {
        /** No trust anchor configured. */
        OFF,
        /** Answers are validated; DANE applies where they are secure. */
        VALIDATING,
        /** The servers do not let answers validate: routes are looked up without DNSSEC. */
        UNAVAILABLE;

        /** The name the health check shows. */
        public String apiName() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private static final Logger log = LoggerFactory.getLogger(DnssecValidation.class);
    private static final Duration RECHECK = Duration.ofMinutes(5);

    private final SecureNameService secure;
    private final CompletableFuture<Void> firstCheck = new CompletableFuture<>();
    private final AtomicLong nextCheck = new AtomicLong();
    private volatile boolean validating;

    public DnssecValidation(SecureNameService secure) {
        this.secure = secure;
        nextCheck.set(System.nanoTime() + RECHECK.toNanos());
        check();
    }

    public State state() {
        return validating || !firstCheck.isDone() ? State.VALIDATING : State.UNAVAILABLE;
    }

    /** Once the check at start is done: whether to ask validated questions. Never fails. */
    public CompletionStage<Boolean> validating() {
        if (!validating) {
            checkIfDue();
        }
        return firstCheck.thenApply(checked -> validating);
    }

    /** A validated question failed: perhaps the servers no longer pass DNSSEC records on. */
    public void questionFailed() {
        checkIfDue();
    }

    private void checkIfDue() {
        long due = nextCheck.get();
        if (System.nanoTime() - due >= 0 && nextCheck.compareAndSet(due, System.nanoTime() + RECHECK.toNanos())) {
            check();
        }
    }

    private void check() {
        secure.checkAnchor().thenAccept(anchor -> {
            boolean first = !firstCheck.isDone();
            boolean validates = anchor != SecureNameService.Anchor.STRIPPED;
            if (!validates && (first || validating)) {
                log.error("DNSSEC validation unavailable: the DNS servers in postillion.dns.servers do not pass DNSSEC"
                        + " records on (the DNSKEY records of the trust anchor's zone '{}' come unsigned). Mail is"
                        + " routed without DNSSEC, so without DANE, and dane-only destinations are deferred. Use"
                        + " servers that pass DNSSEC records on, or turn DNSSEC off with"
                        + " postillion.dns.dnssec.trust-anchors = []", secure.anchorZone());
            } else if (anchor == SecureNameService.Anchor.FAILS && first) {
                log.warn("DNSSEC: the DNSKEY records of the trust anchor's zone '{}' do not validate (bogus, or the"
                        + " DNS servers did not answer); destinations are routed with validation, and deferred"
                        + " while their answers do not validate", secure.anchorZone());
            } else if (validates && !first && !validating) {
                log.info("DNSSEC validation works again: the trust anchor's zone '{}' validates", secure.anchorZone());
            }
            validating = validates;
            firstCheck.complete(null);
        });
    }
}
