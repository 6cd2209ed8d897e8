package dev.postillion.mta.policy;

import dev.postillion.mta.policy.dkim.DkimResult;
import dev.postillion.mta.policy.dkim.DkimVerifier;
import dev.postillion.mta.policy.spf.SpfChecker;
import dev.postillion.mta.policy.spf.SpfVerdict;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks who a complete message comes from: SPF for the MAIL FROM (or HELO) identity and DKIM for
 * its signatures, at the same time, without blocking the caller (ARCHITECTURE rule 2). Either
 * check may be turned off; neither ever fails the stage, as each reports its own temperror.
 */
public final class MessageAuthenticator {

    /** What was found: empty for a check that is turned off. */
    public record Authentication(Optional<SpfVerdict> spf, Optional<List<DkimResult>> dkim) {}

    private final Optional<SpfChecker> spf;
    private final Optional<DkimVerifier> dkim;

    public MessageAuthenticator(Optional<SpfChecker> spf, Optional<DkimVerifier> dkim) {
        this.spf = spf;
        this.dkim = dkim;
    }

    /** Whether any check is on: with none, there is nothing to record. */
    public boolean enabled() {
        return spf.isPresent() || dkim.isPresent();
    }

    /** @param mailFrom the MAIL FROM address; empty for the null sender (then HELO is checked) */
    public CompletionStage<Authentication> authenticate(InetAddress client, String heloName, String mailFrom,
            byte[] message) {
        CompletableFuture<Optional<SpfVerdict>> spfVerdict = spf
                .map(checker -> checker.check(client, heloName, mailFrom).thenApply(Optional::of)
                        .toCompletableFuture())
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
        CompletableFuture<Optional<List<DkimResult>>> signatures = dkim
                .map(verifier -> verifier.verify(message).thenApply(Optional::of).toCompletableFuture())
                .orElse(CompletableFuture.completedFuture(Optional.empty()));
        return spfVerdict.thenCombine(signatures, Authentication::new);
    }
}
