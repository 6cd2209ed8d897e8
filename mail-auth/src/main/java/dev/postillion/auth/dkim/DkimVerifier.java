package dev.postillion.auth.dkim;

import static dev.postillion.auth.dkim.DkimResult.Reason.BODY_HASH_MISMATCH;
import static dev.postillion.auth.dkim.DkimResult.Reason.DNS_FAILURE;
import static dev.postillion.auth.dkim.DkimResult.Reason.EXPIRED;
import static dev.postillion.auth.dkim.DkimResult.Reason.KEY_REVOKED;
import static dev.postillion.auth.dkim.DkimResult.Reason.MALFORMED_SIGNATURE;
import static dev.postillion.auth.dkim.DkimResult.Reason.NO_KEY;
import static dev.postillion.auth.dkim.DkimResult.Reason.SHA1;
import static dev.postillion.auth.dkim.DkimResult.Reason.SIGNATURE_MISMATCH;
import static dev.postillion.auth.dkim.DkimResult.Reason.WEAK_KEY;

import dev.postillion.auth.dkim.DkimResult.Reason;
import dev.postillion.auth.dkim.DkimResult.Status;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.NameService;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * Verifies the DKIM signatures of a message (RFC 6376 section 6), with the algorithms RFC 8301 and
 * RFC 8463 leave valid: rsa-sha256 with keys of at least 1024 bits, and ed25519-sha256.
 *
 * <p>Nothing here blocks (ARCHITECTURE rules 1 and 2): parsing, hashing and signature checks run on
 * the given executor, key records come from an asynchronous {@link NameService}, and the answer
 * is a {@link CompletionStage}. The clock decides {@code x=} expiry, so tests can set it.
 */
public final class DkimVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(DkimVerifier.class);
    private static final int HEADER_B_LENGTH = 8;
    private static final Pattern BASE64 = Pattern.compile("[A-Za-z0-9+/=]*");

    private final NameService keys;
    private final DkimSettings settings;
    private final Clock clock;
    private final Executor executor;

    /**
     * @param keys where key records come from
     * @param settings limits; see {@link DkimSettings}
     * @param clock the time {@code x=} is compared with
     * @param executor where parsing, hashing and cryptography run: not an actor's or Netty's thread
     */
    public DkimVerifier(NameService keys, DkimSettings settings, Clock clock, Executor executor) {
        this.keys = keys;
        this.settings = settings;
        this.clock = clock;
        this.executor = executor;
    }

    /**
     * Verifies every DKIM-Signature header field of {@code message}.
     *
     * @param message the message exactly as received: header fields and body, CRLF line endings,
     *     after SMTP's dot-unstuffing
     * @return one result per DKIM-Signature field, top to bottom; empty when the message has none
     *     (RFC 8601's "none"). The stage never fails: faults become {@link Status#TEMPERROR} results.
     */
    public CompletionStage<List<DkimResult>> verify(byte[] message) {
        return CompletableFuture.supplyAsync(() -> DkimMessage.parse(message), executor)
                .thenCompose(this::verifyAll);
    }

    private CompletableFuture<List<DkimResult>> verifyAll(DkimMessage message) {
        List<HeaderField> fields = message.signatures();
        List<CompletableFuture<DkimResult>> results = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
            Verification verification = new Verification(message, fields.get(i));
            results.add(i < settings.maxSignatures()
                    ? verification.run()
                    : CompletableFuture.completedFuture(verification.notChecked()));
        }
        return CompletableFuture.allOf(results.toArray(CompletableFuture<?>[]::new))
                .thenApply(done -> results.stream().map(CompletableFuture::join).toList());
    }

    /** The verification of one signature, in the steps of RFC 6376 section 6.1. */
    private final class Verification {

        private final DkimMessage message;
        private final HeaderField field;
        private TagList tags;
        private DkimSignature signature;
        private DkimKey key;
        private long bodyOctets;

        Verification(DkimMessage message, HeaderField field) {
            this.message = message;
            this.field = field;
        }

        CompletableFuture<DkimResult> run() {
            try {
                tags = TagList.parse(field.value(), MALFORMED_SIGNATURE);
                signature = DkimSignature.parse(field, tags);
                checkAcceptable();
            } catch (DkimException e) {
                return CompletableFuture.completedFuture(result(e));
            }
            return lookUpKey()
                    .thenApplyAsync(this::checkWith, executor)
                    .exceptionally(this::internalError);
        }

        DkimResult notChecked() {
            try {
                tags = TagList.parse(field.value(), MALFORMED_SIGNATURE);
            } catch (DkimException malformed) {
                // reported without d= and s=
            }
            return result(Reason.NOT_CHECKED, "more than " + settings.maxSignatures() + " signatures");
        }

        /**
         * Checks that need no key: RFC 8301 section 3.1 forbids rsa-sha1; {@code x=} must not
         * have passed (RFC 6376 section 3.5), with the configured leeway.
         */
        private void checkAcceptable() throws DkimException {
            if (signature.algorithm() == SigningAlgorithm.RSA_SHA1) {
                throw new DkimException(SHA1, "rsa-sha1 signatures are not valid (RFC 8301)");
            }
            long now = clock.instant().getEpochSecond();
            OptionalLong expiry = signature.expiry();
            if (expiry.isPresent() && now > expiry.getAsLong() + settings.clockSkew().toSeconds()) {
                throw new DkimException(EXPIRED, "signature expired at x=" + expiry.getAsLong());
            }
        }

        /**
         * RFC 6376 section 6.1.2; a lookup that fails outright is a temporary failure too, logged
         * here with its cause.
         */
        private CompletableFuture<DnsAnswer> lookUpKey() {
            CompletionStage<DnsAnswer> answer;
            try {
                answer = keys.query(signature.keyName(), Type.TXT);
            } catch (RuntimeException e) {
                return CompletableFuture.completedFuture(lookupFailed(e));
            }
            return answer.toCompletableFuture()
                    .handle((found, failure) -> failure == null ? found : lookupFailed(failure));
        }

        private DnsAnswer lookupFailed(Throwable failure) {
            LOG.warn("DKIM key lookup of {} failed", signature.keyName(), failure);
            return DnsAnswer.failure(signature.keyName(), Type.TXT, "internal error");
        }

        private DkimResult checkWith(DnsAnswer answer) {
            try {
                key = key(answer);
                checkKey();
                checkBody();
                checkSignature();
                return result(Reason.NONE, "");
            } catch (DkimException e) {
                return result(e);
            }
        }

        /** The first record that parses as a key; RFC 6376 section 3.6.2.2 leaves several undefined. */
        private DkimKey key(DnsAnswer answer) throws DkimException {
            if (answer.outcome() == DnsAnswer.Outcome.FAILED) {
                throw new DkimException(DNS_FAILURE, answer.detail());
            }
            if (answer.absent()) {
                throw new DkimException(NO_KEY, answer.detail());
            }
            List<String> records = answer.texts();
            DkimException firstProblem = new DkimException(NO_KEY, "no TXT record at " + signature.keyName());
            for (int i = 0; i < records.size(); i++) {
                try {
                    return DkimKey.parse(records.get(i));
                } catch (DkimException e) {
                    firstProblem = i == 0 ? e : firstProblem;
                }
            }
            throw firstProblem;
        }

        /** RFC 6376 section 6.1.2 and RFC 8301 section 3.2. */
        private void checkKey() throws DkimException {
            if (key.revoked()) {
                throw new DkimException(KEY_REVOKED, "key " + signature.keyName() + " is revoked");
            }
            key.checkSuits(signature);
            if (key.type() == KeyType.RSA && key.bits() < settings.minRsaKeyBits()) {
                throw new DkimException(WEAK_KEY, key.bits() + "-bit RSA key, under " + settings.minRsaKeyBits());
            }
        }

        /**
         * RFC 6376 section 6.1.3, with {@code l=} as section 8.2 wants it: only that many octets
         * are hashed, a body shorter than that fails, and content after them is reported.
         */
        private void checkBody() throws DkimException {
            long limit = signature.bodyLength().orElse(Long.MAX_VALUE);
            BodyCanonicalizer.BodyHash hash = message.bodyHash(signature.bodyCanonicalization(),
                    signature.algorithm().digest(), limit);
            if (signature.bodyLength().isPresent() && limit > hash.length()) {
                throw new DkimException(BODY_HASH_MISMATCH,
                        "l=" + limit + " is longer than the canonicalized body (" + hash.length() + " octets)");
            }
            if (!MessageDigest.isEqual(hash.digest(), signature.bodyHash())) {
                throw new DkimException(BODY_HASH_MISMATCH, "body hash did not verify");
            }
            bodyOctets = hash.length();
        }

        /** RFC 6376 section 6.1.3, steps 4 to 6. */
        private void checkSignature() throws DkimException {
            byte[] data = HeaderHash.data(message.headers(), signature.signedHeaders(), field,
                    signature.headerCanonicalization());
            boolean verified;
            try {
                verified = signature.algorithm().verify(key.publicKey(), data, signature.signature());
            } catch (GeneralSecurityException e) {
                throw new DkimException(SIGNATURE_MISMATCH, "signature did not verify: " + e.getMessage());
            }
            if (!verified) {
                throw new DkimException(SIGNATURE_MISMATCH, "signature did not verify");
            }
        }

        private DkimResult internalError(Throwable failure) {
            LOG.warn("DKIM verification of d={} s={} failed", domain(), selector(), failure);
            return result(Reason.INTERNAL_ERROR, "");
        }

        private DkimResult result(DkimException e) {
            return result(e.reason(), e.detail());
        }

        /** RFC 6376 section 3.6.1, {@code t=y}: a testing domain's failures count as no signature. */
        private DkimResult result(Reason reason, String detail) {
            boolean testing = key != null && key.testing();
            Status status = testing && reason.status() == Status.FAIL ? Status.NEUTRAL : reason.status();
            OptionalLong bodyLength = signature == null ? OptionalLong.empty() : signature.bodyLength();
            return new DkimResult(status, reason, detail, domain(), selector(), identity(), algorithm(),
                    key == null ? 0 : key.bits(), bodyLength, bodyOctets, testing, headerB());
        }

        /** {@code d=}, even of a malformed signature, if it is a well-formed domain. */
        private String domain() {
            if (signature != null) {
                return signature.domain();
            }
            return tag("d").flatMap(value -> wellFormed(() -> DomainNames.domain(value, "d="))).orElse("");
        }

        private String selector() {
            if (signature != null) {
                return signature.selector();
            }
            return tag("s").flatMap(value -> wellFormed(() -> DomainNames.selector(value))).orElse("");
        }

        private String identity() {
            return signature == null ? "" : signature.identity();
        }

        private String algorithm() {
            return tag("a").filter(value -> SigningAlgorithm.byTag(value).isPresent())
                    .map(value -> value.toLowerCase(Locale.ROOT)).orElse("");
        }

        /** RFC 6008 section 4: enough of {@code b=} to tell signatures apart, if it is base64. */
        private String headerB() {
            String b = tag("b").map(TagList::stripFws).filter(value -> BASE64.matcher(value).matches()).orElse("");
            return b.substring(0, Math.min(HEADER_B_LENGTH, b.length()));
        }

        private Optional<String> tag(String name) {
            return tags == null ? Optional.empty() : tags.get(name);
        }
    }

    /** A value that may fail to parse. */
    @FunctionalInterface
    private interface Parse {
        String value() throws DkimException;
    }

    private static Optional<String> wellFormed(Parse parse) {
        try {
            return Optional.of(parse.value());
        } catch (DkimException malformed) {
            return Optional.empty();
        }
    }
}
