package dev.postillion.auth.dkim;

import java.util.Locale;
import java.util.OptionalLong;

/**
 * The outcome of verifying one DKIM-Signature header field (RFC 6376 section 6.1), in the terms of
 * an Authentication-Results header field (RFC 8601 section 2.7.1), with what DMARC alignment needs
 * (RFC 7489 section 3.1.1: the signing domain).
 *
 * @param status the RFC 8601 result
 * @param reason why, in more detail than the status; {@link Reason#NONE} for a pass
 * @param detail a human-readable explanation for the log, not for the header, whose comment is the
 *     reason's stable phrase; empty for a pass
 * @param domain the signing domain, {@code d=}, lower-cased; empty when the field was too malformed to tell
 * @param selector the selector, {@code s=}; empty when the field was too malformed to tell
 * @param identity the agent or user identifier, {@code i=} (its default {@code @d} when absent); empty
 *     when unknown
 * @param algorithm the {@code a=} tag as written, lower-cased; empty when unknown
 * @param keyBits the size of the public key used, in bits; 0 when no key was used
 * @param bodyLength the {@code l=} tag: how many octets of the canonicalized body were signed
 * @param bodyOctets the length of the whole canonicalized body, signed or not; 0 unless the body
 *     hash matched
 * @param testing whether the key record says the domain is testing DKIM ({@code t=y}, RFC 6376
 *     section 3.6.1); a failure is then reported {@link Status#NEUTRAL}
 * @param headerB the first 8 characters of {@code b=}, to tell signatures apart (RFC 6008); empty
 *     when unknown
 */
public record DkimResult(
        Status status,
        Reason reason,
        String detail,
        String domain,
        String selector,
        String identity,
        String algorithm,
        int keyBits,
        OptionalLong bodyLength,
        long bodyOctets,
        boolean testing,
        String headerB) {

    /** The DKIM results of RFC 8601 section 2.7.1 that verification can give. */
    public enum Status {
        /** The signature verified. */
        PASS,
        /** The signature was checked and did not verify, or is not acceptable (RFC 8301). */
        FAIL,
        /** The signature could not be processed: unsupported, expired, over the limit, or testing. */
        NEUTRAL,
        /** The key could not be retrieved for now (DNS failure); a later attempt may succeed. */
        TEMPERROR,
        /** The signature or its key record is malformed, or there is no key. */
        PERMERROR;

        /** The result keyword as written in an Authentication-Results header field. */
        public String keyword() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** Why a signature did not pass; each reason has one status. */
    public enum Reason {
        NONE(Status.PASS, ""),
        /** RFC 6376 section 6.1.3: the body hash does not match {@code bh=}. */
        BODY_HASH_MISMATCH(Status.FAIL, "body hash did not verify"),
        /** RFC 6376 section 6.1.3: the signature does not verify with the key. */
        SIGNATURE_MISMATCH(Status.FAIL, "signature did not verify"),
        /** RFC 6376 section 3.6.1: the key record's {@code p=} is empty. */
        KEY_REVOKED(Status.FAIL, "key revoked"),
        /** RFC 8301 section 3.2: an RSA key under 1024 bits. */
        WEAK_KEY(Status.FAIL, "key too short"),
        /** RFC 8301 section 3.1: rsa-sha1 signatures are not valid. */
        SHA1(Status.FAIL, "rsa-sha1 is not accepted"),
        /** RFC 6376 section 3.5, {@code x=}: the signature has expired. */
        EXPIRED(Status.NEUTRAL, "signature expired"),
        /** An algorithm, canonicalization or query method this verifier does not implement. */
        UNSUPPORTED(Status.NEUTRAL, "unsupported algorithm"),
        /** More signatures than the verifier checks for one message (RFC 6376 section 8.4). */
        NOT_CHECKED(Status.NEUTRAL, "too many signatures"),
        /** RFC 6376 section 6.1.1: the DKIM-Signature field breaks the syntax or its rules. */
        MALFORMED_SIGNATURE(Status.PERMERROR, "malformed signature"),
        /** RFC 6376 section 6.1.2: the key record breaks the syntax or cannot be decoded. */
        MALFORMED_KEY(Status.PERMERROR, "malformed key record"),
        /** RFC 6376 section 6.1.2: the key does not suit the signature (type, hash, service, t=s). */
        KEY_UNSUITABLE(Status.PERMERROR, "inappropriate key"),
        /** RFC 6376 section 6.1.2: there is no key record. */
        NO_KEY(Status.PERMERROR, "no key for signature"),
        /** RFC 6376 section 6.1.2: the key record could not be retrieved for now. */
        DNS_FAILURE(Status.TEMPERROR, "key unavailable"),
        /** A fault of ours while verifying; temporary, since our faults are never permanent. */
        INTERNAL_ERROR(Status.TEMPERROR, "internal error");

        private final Status status;
        private final String text;

        Reason(Status status, String text) {
            this.status = status;
            this.text = text;
        }

        public Status status() {
            return status;
        }

        /** A short phrase for the comment of an Authentication-Results header field. */
        public String text() {
            return text;
        }
    }

    /**
     * Whether the body has content after the {@code l=} octets that the signature does not cover
     * (RFC 6376 section 8.2): policy should treat that content as unsigned.
     */
    public boolean bodyPartiallySigned() {
        return bodyLength.isPresent() && bodyLength.getAsLong() < bodyOctets;
    }

    /** Whether the signature verified; for DMARC, only such signatures count (RFC 7489 section 4.2). */
    public boolean passed() {
        return status == Status.PASS;
    }
}
