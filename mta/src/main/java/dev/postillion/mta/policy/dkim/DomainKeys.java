package dev.postillion.mta.policy.dkim;

import dev.postillion.auth.dkim.SigningAlgorithm;
import dev.postillion.auth.dkim.SigningKey;
import java.time.Instant;
import java.util.List;

/**
 * The keys a domain signs with: one Ed25519 key (RFC 8463) and one RSA key (RFC 6376), each message
 * signed with both: verifiers that know only rsa-sha256 (many, years after RFC 8463) still find a
 * signature they can check, and those that know both find the stronger, shorter one.
 *
 * @param generation 1 for the first keys, one more with each rotation; in each selector
 */
record DomainKeys(int generation, Instant created, List<SigningKey> keys) {

    /** Signed in this order; the Ed25519 signature ends up on top. */
    static final List<SigningAlgorithm> ALGORITHMS = List.of(SigningAlgorithm.ED25519_SHA256, SigningAlgorithm.RSA_SHA256);

    DomainKeys {
        keys = List.copyOf(keys);
    }

    /** New key pairs for every algorithm, named for {@code generation}. */
    static DomainKeys generate(int generation, SigningSettings settings, Instant now) {
        return new DomainKeys(generation, now, ALGORITHMS.stream()
                .map(algorithm -> SigningKey.generate(algorithm, settings.selector(algorithm, generation)))
                .toList());
    }
}
