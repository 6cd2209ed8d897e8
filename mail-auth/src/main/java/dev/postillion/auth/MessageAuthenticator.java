package dev.postillion.auth;

import dev.postillion.auth.dkim.DkimResult;
import dev.postillion.auth.dkim.DkimVerifier;
import dev.postillion.auth.dmarc.AuthorDomain;
import dev.postillion.auth.dmarc.DmarcEvaluator;
import dev.postillion.auth.dmarc.DmarcPolicy;
import dev.postillion.auth.dmarc.DmarcVerdict;
import dev.postillion.auth.spf.SpfChecker;
import dev.postillion.auth.spf.SpfVerdict;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Checks who a complete message comes from: SPF for the MAIL FROM (or HELO) identity and DKIM for
 * its signatures, at the same time, then DMARC for its From domain from those two, without
 * blocking the caller (ARCHITECTURE rule 2). Each check may be turned off (DMARC needs the other
 * two); none ever fails the stage, as each reports its own temperror. When they fail all the same
 * (a bug, a thread pool that refuses work), {@link #onError()} says what becomes of the message.
 */
public final class MessageAuthenticator {

    /** What was found: empty for a check that is turned off. */
    public record Authentication(Optional<SpfVerdict> spf, Optional<List<DkimResult>> dkim,
            Optional<DmarcVerdict> dmarc) {

        /** Nothing found: the checks are off, or could not run. */
        public static final Authentication NONE = new Authentication(Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    private final Optional<SpfChecker> spf;
    private final Optional<DkimVerifier> dkim;
    private final Optional<DmarcEvaluator> dmarc;
    private final OnCheckError onError;
    private final AuthChecks checks;

    public MessageAuthenticator(Optional<SpfChecker> spf, Optional<DkimVerifier> dkim,
            Optional<DmarcEvaluator> dmarc, OnCheckError onError, AuthChecks checks) {
        this.spf = spf;
        this.dkim = dkim;
        this.dmarc = spf.isPresent() && dkim.isPresent() ? dmarc : Optional.empty();
        this.onError = onError;
        this.checks = checks;
    }

    public OnCheckError onError() {
        return onError;
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
        return spfVerdict.thenCombine(signatures, (verdict, results) -> new Authentication(verdict, results,
                Optional.empty())).thenCompose(found -> withDmarc(found, message)).thenApply(found -> {
                    checks.found(found);
                    return found;
                });
    }

    /**
     * DMARC of the message's From domain (RFC 7489 section 6.6.1). A message with several From
     * addresses is evaluated for each of their domains and the strictest outcome kept: a reader sees
     * the first, so one allowed domain must not carry a forged one through. No From address gives
     * {@code none} with the reason.
     */
    private CompletionStage<Authentication> withDmarc(Authentication found, byte[] message) {
        if (dmarc.isEmpty()) {
            return CompletableFuture.completedFuture(found);
        }
        AuthorDomain author = AuthorDomain.ofHeaderSection(headerSection(message));
        List<String> domains = author instanceof AuthorDomain.Single single ? List.of(single.domain())
                : author instanceof AuthorDomain.Several several ? several.domains().stream().distinct().toList()
                : List.of();
        if (domains.isEmpty()) {
            DmarcVerdict none = new DmarcVerdict(DmarcVerdict.Result.NONE, "", DmarcPolicy.NONE, DmarcPolicy.NONE,
                    "no usable From address");
            return CompletableFuture.completedFuture(with(found, none));
        }
        List<CompletableFuture<DmarcVerdict>> verdicts = domains.stream()
                .map(domain -> dmarc.get().evaluate(domain, found.spf().orElseThrow(), found.dkim().orElseThrow())
                        .toCompletableFuture())
                .toList();
        return CompletableFuture.allOf(verdicts.toArray(CompletableFuture[]::new))
                .thenApply(done -> with(found, verdicts.stream().map(CompletableFuture::join)
                        .max(Comparator.comparing(MessageAuthenticator::severity)).orElseThrow()));
    }

    /** Stricter dispositions first, then failures before other results. */
    private static int severity(DmarcVerdict verdict) {
        return verdict.disposition().ordinal() * 10 + (verdict.result() == DmarcVerdict.Result.FAIL ? 1 : 0);
    }

    private static Authentication with(Authentication found, DmarcVerdict verdict) {
        return new Authentication(found.spf(), found.dkim(), Optional.of(verdict));
    }

    /** The header section only (up to the empty line): the From fields are there, and it is bounded. */
    private static String headerSection(byte[] message) {
        int end = message.length;
        for (int i = 0; i + 3 < message.length; i++) {
            if (message[i] == '\r' && message[i + 1] == '\n' && message[i + 2] == '\r' && message[i + 3] == '\n') {
                end = i + 2;
                break;
            }
        }
        return new String(message, 0, end, StandardCharsets.ISO_8859_1);
    }
}
