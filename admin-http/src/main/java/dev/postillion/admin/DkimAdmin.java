package dev.postillion.admin;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API needs of DKIM signing keys, implemented by the mta module (ARCHITECTURE: small
 * interfaces for what admin-http does not own). Domains are hosted primary domains; the routes check.
 *
 * <p>Rotation is in two steps: a verifier that finds no key record for a signature fails it at once
 * (RFC 6376 section 6.1.2), so new keys wait, pending, while their records are published, and sign
 * only once activated.
 */
public interface DkimAdmin {

    /** One key's DNS TXT record, to be published at {@code <selector>._domainkey.<domain>}. */
    record KeyRecord(String selector, String value) {}

    /**
     * A domain's records.
     *
     * @param current the keys that sign its mail
     * @param pending the next keys, made by a rotation and not signing until activated; empty when none
     */
    record DomainRecords(List<KeyRecord> current, List<KeyRecord> pending) {
        public DomainRecords {
            current = List.copyOf(current);
            pending = List.copyOf(pending);
        }
    }

    /** What {@link #generate} did. */
    sealed interface Generation {

        /** New keys: the first sign at once, a rotation's are pending. */
        record Created(DomainRecords records) implements Generation {}

        /** The domain has keys and no rotation was asked for. */
        record HasKeys() implements Generation {}

        /** The domain already has pending keys, to be activated before the next rotation. */
        record HasPending() implements Generation {}
    }

    /** The domain's records; empty when it has no keys. */
    CompletionStage<Optional<DomainRecords>> records(String domain);

    /**
     * Makes the domain's first keys, which sign at once; with {@code rotate}, makes a domain that
     * has keys the next ones under new selectors, pending until {@link #activate}d.
     */
    CompletionStage<Generation> generate(String domain, boolean rotate);

    /**
     * Signs with the pending keys from now on; the keys they replace are dropped.
     *
     * @return the records afterwards; empty when the domain has no pending keys
     */
    CompletionStage<Optional<DomainRecords>> activate(String domain);

    /** Forgets the domain's keys: the domain is gone. */
    CompletionStage<Void> forget(String domain);
}
