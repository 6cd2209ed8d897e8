package dev.postillion.auth.dkim;

import static dev.postillion.auth.dkim.DkimResult.Reason.MALFORMED_SIGNATURE;
import static dev.postillion.auth.dkim.DkimResult.Reason.UNSUPPORTED;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import java.util.regex.Pattern;

/**
 * A DKIM-Signature header field, parsed and checked as RFC 6376 section 6.1.1 asks: every required
 * tag present and well-formed, {@code v=1}, {@code i=} within {@code d=}, From among the signed
 * fields, {@code x=} after {@code t=}. Syntax errors are reported before unsupported algorithms, so
 * that a malformed signature is never taken for one of the future.
 *
 * @param field the header field as received
 * @param algorithm {@code a=}
 * @param signature {@code b=}, decoded
 * @param bodyHash {@code bh=}, decoded
 * @param headerCanonicalization the first half of {@code c=}
 * @param bodyCanonicalization the second half of {@code c=}
 * @param domain {@code d=}, lower-cased, in A-labels
 * @param selector {@code s=}, in A-labels
 * @param identity {@code i=}, decoded (its domain lower-cased, in A-labels), or {@code @d} by default
 * @param signedHeaders {@code h=}, in order
 * @param bodyLength {@code l=}; a value too large for a long is {@code Long.MAX_VALUE}
 * @param timestamp {@code t=}, seconds since the epoch
 * @param expiry {@code x=}, seconds since the epoch
 */
record DkimSignature(
        HeaderField field,
        SigningAlgorithm algorithm,
        byte[] signature,
        byte[] bodyHash,
        Canonicalization headerCanonicalization,
        Canonicalization bodyCanonicalization,
        String domain,
        String selector,
        String identity,
        List<String> signedHeaders,
        OptionalLong bodyLength,
        OptionalLong timestamp,
        OptionalLong expiry) {

    private static final List<String> REQUIRED = List.of("v", "a", "b", "bh", "d", "h", "s");
    private static final Pattern ALGORITHM = Pattern.compile("[A-Za-z][A-Za-z0-9]*-[A-Za-z][A-Za-z0-9]*");
    /** RFC 5322 section 3.6.8: printable ASCII but the colon. */
    private static final Pattern FIELD_NAME = Pattern.compile("[\\x21-\\x39\\x3b-\\x7e]+");
    private static final Pattern TIME = Pattern.compile("[0-9]{1,12}");
    private static final Pattern LENGTH = Pattern.compile("[0-9]{1,76}");
    private static final int LONG_DIGITS = 18;

    /** Checks the tags of {@code field}, already split by {@link TagList}. */
    static DkimSignature parse(HeaderField field, TagList tags) throws DkimException {
        for (String tag : REQUIRED) {
            tags.require(tag, MALFORMED_SIGNATURE);
        }
        if (!"1".equals(tags.require("v", MALFORMED_SIGNATURE))) {
            throw malformed("unsupported version v=" + tags.require("v", MALFORMED_SIGNATURE));
        }
        String domain = DomainNames.domain(tags.require("d", MALFORMED_SIGNATURE), "d=");
        String selector = DomainNames.selector(tags.require("s", MALFORMED_SIGNATURE));
        String identity = identity(tags, domain);
        List<String> signedHeaders = signedHeaders(tags.require("h", MALFORMED_SIGNATURE));
        byte[] signature = base64(tags.require("b", MALFORMED_SIGNATURE), "b=");
        byte[] bodyHash = base64(tags.require("bh", MALFORMED_SIGNATURE), "bh=");
        OptionalLong bodyLength = number(tags, "l", LENGTH);
        OptionalLong timestamp = number(tags, "t", TIME);
        OptionalLong expiry = number(tags, "x", TIME);
        checkTimes(timestamp, expiry);
        SigningAlgorithm algorithm = algorithm(tags.require("a", MALFORMED_SIGNATURE));
        Canonicalization[] canonicalization = canonicalization(tags.get("c").orElse("simple/simple"));
        checkQueryMethods(tags.get("q").orElse("dns/txt"));
        return new DkimSignature(field, algorithm, signature, bodyHash, canonicalization[0], canonicalization[1],
                domain, selector, identity, signedHeaders, bodyLength, timestamp, expiry);
    }

    /** The name of the key record: {@code <s>._domainkey.<d>} (RFC 6376 section 3.6.2.1). */
    String keyName() {
        return selector + "._domainkey." + domain;
    }

    /** The domain of {@link #identity()}. */
    String identityDomain() {
        return identity.substring(identity.lastIndexOf('@') + 1);
    }

    /**
     * {@code i=}, whose domain must be {@code d=} or below it (RFC 6376 section 3.5); it is
     * dkim-quoted-printable (section 2.11). Without it: {@code @d}.
     */
    private static String identity(TagList tags, String domain) throws DkimException {
        if (tags.get("i").isEmpty()) {
            return "@" + domain;
        }
        String identity = DomainNames.decodeQuotedPrintable(TagList.stripFws(tags.get("i").get()));
        int at = identity.lastIndexOf('@');
        if (at < 0) {
            throw malformed("i= without '@': " + identity);
        }
        String identityDomain = DomainNames.domain(identity.substring(at + 1), "i=");
        if (!identityDomain.equals(domain) && !identityDomain.endsWith("." + domain)) {
            throw malformed("i= domain " + identityDomain + " is not within d=" + domain);
        }
        return utf8(identity.substring(0, at + 1)) + identityDomain;
    }

    /** RFC 8616 section 4: a local part may be UTF-8; its octets are chars here until now. */
    private static String utf8(String octets) {
        return new String(octets.getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
    }

    /** {@code h=}: field names separated by colons; From is required (RFC 6376 section 5.4). */
    private static List<String> signedHeaders(String value) throws DkimException {
        List<String> names = new ArrayList<>();
        for (String part : value.split(":", -1)) {
            String name = TagList.trimFws(part);
            if (!FIELD_NAME.matcher(name).matches()) {
                throw malformed("bad field name '" + name + "' in h=");
            }
            names.add(name);
        }
        if (names.stream().noneMatch("from"::equalsIgnoreCase)) {
            throw malformed("From field not signed");
        }
        return List.copyOf(names);
    }

    private static byte[] base64(String value, String tag) throws DkimException {
        try {
            return Base64.getDecoder().decode(TagList.stripFws(value));
        } catch (IllegalArgumentException e) {
            throw malformed("bad base64 in " + tag);
        }
    }

    /** A decimal tag; a value beyond a long's range (only {@code l=} has room for one) saturates. */
    private static OptionalLong number(TagList tags, String tag, Pattern syntax) throws DkimException {
        if (tags.get(tag).isEmpty()) {
            return OptionalLong.empty();
        }
        String digits = tags.get(tag).get();
        if (!syntax.matcher(digits).matches()) {
            throw malformed("bad number " + tag + "=" + digits);
        }
        return OptionalLong.of(digits.length() > LONG_DIGITS ? Long.MAX_VALUE : Long.parseLong(digits));
    }

    /** RFC 6376 section 3.5, {@code x=}: it must be greater than {@code t=}. */
    private static void checkTimes(OptionalLong timestamp, OptionalLong expiry) throws DkimException {
        if (timestamp.isPresent() && expiry.isPresent() && expiry.getAsLong() <= timestamp.getAsLong()) {
            throw malformed("x= is not after t=");
        }
    }

    private static SigningAlgorithm algorithm(String value) throws DkimException {
        if (!ALGORITHM.matcher(value).matches()) {
            throw malformed("bad a=" + value);
        }
        return SigningAlgorithm.byTag(value)
                .orElseThrow(() -> new DkimException(UNSUPPORTED, "unsupported algorithm a=" + value));
    }

    /** {@code c=}: header and body algorithms; the body's defaults to simple (RFC 6376 section 3.5). */
    private static Canonicalization[] canonicalization(String value) throws DkimException {
        String[] halves = value.split("/", -1);
        if (halves.length > 2) {
            throw malformed("bad c=" + value);
        }
        Canonicalization header = Canonicalization.parse(halves[0]);
        Canonicalization body = halves.length == 2 ? Canonicalization.parse(halves[1]) : Canonicalization.SIMPLE;
        return new Canonicalization[] {header, body};
    }

    /** {@code q=}: colon-separated query methods, of which only "dns/txt" exists (RFC 6376 section 3.5). */
    private static void checkQueryMethods(String value) throws DkimException {
        for (String method : value.split(":", -1)) {
            if (TagList.trimFws(method).toLowerCase(Locale.ROOT).equals("dns/txt")) {
                return;
            }
        }
        throw new DkimException(UNSUPPORTED, "unsupported query method q=" + value);
    }

    private static DkimException malformed(String detail) {
        return new DkimException(MALFORMED_SIGNATURE, detail);
    }
}
