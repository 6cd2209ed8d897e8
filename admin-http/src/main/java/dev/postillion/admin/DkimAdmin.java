package dev.postillion.admin;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * What the admin API needs of DKIM signing keys, implemented by the mta module (ARCHITECTURE: small
 * interfaces for what admin-http does not own). Domains are hosted primary domains; the routes check.
 */
public interface DkimAdmin {

    /** One key's DNS TXT record, to be published at {@code <selector>._domainkey.<domain>}. */
    record KeyRecord(String selector, String value) {}

    /** The records of the domain's current keys; empty when it has none. */
    List<KeyRecord> records(String domain);

    /**
     * Generates the domain's keys: new ones with new selectors when {@code rotate}, else only if it
     * has none.
     *
     * @return the new keys' records; empty when the domain has keys and {@code rotate} is false
     */
    CompletionStage<Optional<List<KeyRecord>>> generate(String domain, boolean rotate);

    /** Forgets the domain's keys: the domain is gone. */
    CompletionStage<Void> forget(String domain);
}
