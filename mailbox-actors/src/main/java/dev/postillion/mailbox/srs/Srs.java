package dev.postillion.mailbox.srs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The Sender Rewriting Scheme, in the address format of libsrs2 and postsrsd so that either can
 * reverse what the other wrote given the same secret. A forwarder rewrites the envelope sender into
 * its own domain, so that SPF (RFC 7208) checks of the forwarded mail pass, and reverses the rewritten
 * address when a bounce comes back (the scheme as documented with libsrs2, libsrs2.org).
 *
 * <ul>
 *   <li>{@code SRS0=HHHH=TT=orig-domain=orig-local@srs-domain} for an ordinary sender: HHHH is the
 *       hash of TT, domain and local part, TT the day it was made ({@link SrsTimestamp}).
 *   <li>{@code SRS1=HHHH=first-srs-domain==opaque@srs-domain} for a sender another forwarder already
 *       rewrote to {@code SRS0=opaque@first-srs-domain}: we do not nest, we point the bounce back to
 *       the first forwarder, which checks its own hash and age. HHHH covers domain and opaque part.
 * </ul>
 *
 * <p>The opaque part keeps the separator that followed the other forwarder's SRS0 tag, hence the
 * doubled "==" with the usual '='.
 */
public final class Srs {

    public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(21);
    /** A stamp made tomorrow by a forwarder whose clock runs ahead of ours is still good. */
    private static final int SKEW_DAYS = 1;
    private static final char SEPARATOR = '=';
    /** libsrs2 recognises any of these after an SRS tag in addresses from other forwarders. */
    private static final String FOREIGN_SEPARATORS = "=-+";
    private static final String SRS0 = "SRS0";
    private static final String SRS1 = "SRS1";

    private final SrsHash hash;
    private final Clock clock;
    private final int maxAgeDays;
    private final Function<String, CompletionStage<Boolean>> localDomain;

    /**
     * @param secrets the first signs new addresses, all verify: append the old secret when replacing
     *     it, and remove it once {@code maxAge} has passed
     * @param maxAge how long an SRS0 address stays valid, in whole days (libsrs2 default 21 days)
     * @param localDomain whether a domain, given in lower case, is one of ours: a store read, which
     *     completes on the store's threads (or at once from a cache), never blocking the caller
     */
    public Srs(List<byte[]> secrets, Clock clock, Duration maxAge,
            Function<String, CompletionStage<Boolean>> localDomain) {
        long days = maxAge.toDays();
        if (days < 1 || days + SKEW_DAYS >= SrsTimestamp.SLOTS - 1) {
            throw new IllegalArgumentException("SRS maximum age must be between 1 and "
                    + (SrsTimestamp.SLOTS - 2 - SKEW_DAYS) + " days, not " + maxAge);
        }
        this.hash = new SrsHash(secrets);
        this.clock = clock;
        this.maxAgeDays = (int) days;
        this.localDomain = localDomain;
    }

    /**
     * The envelope sender to use when forwarding mail from {@code sender} out of {@code srsDomain},
     * which should be one of ours so that bounces come back here. Empty when the sender must be kept:
     * the null sender or one without a domain (nothing to bounce to) and senders at our own domains
     * (they pass SPF already, and our SRS addresses must not be wrapped again).
     */
    public CompletionStage<Optional<String>> forward(String sender, String srsDomain) {
        Optional<Address> address = Address.parse(sender);
        if (address.isEmpty() || address.get().isAt(srsDomain)) {
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return isLocal(address.get().domain()).thenApply(local -> local ? Optional.empty()
                : Optional.of(rewrite(address.get()) + "@" + srsDomain));
    }

    /**
     * Reverses an SRS address at one of our domains: an SRS0 address gives the original sender, an
     * SRS1 address the first forwarder's SRS0 address. Tags, timestamps and hashes are read in any
     * letter case.
     */
    public CompletionStage<Reversal> reverse(String address) {
        Optional<Address> parsed = Address.parse(address);
        // The tag first: it is a string test, whereas whether the domain is ours is a store read,
        // and every recipient of every message comes this way.
        if (parsed.isEmpty() || !isSrs(parsed.get().localPart())) {
            return CompletableFuture.completedFuture(new Reversal.NotSrs());
        }
        return isLocal(parsed.get().domain()).thenApply(local -> local ? reversed(parsed.get().localPart())
                : new Reversal.NotSrs());
    }

    private Reversal reversed(String local) {
        if (hasTag(local, SRS0, String.valueOf(SEPARATOR))) {
            return reverseSrs0(local.substring(SRS0.length() + 1));
        }
        if (hasTag(local, SRS1, String.valueOf(SEPARATOR))) {
            return reverseSrs1(local.substring(SRS1.length() + 1));
        }
        return new Reversal.NotSrs();
    }

    private static boolean isSrs(String local) {
        return hasTag(local, SRS0, String.valueOf(SEPARATOR)) || hasTag(local, SRS1, String.valueOf(SEPARATOR));
    }

    private String rewrite(Address sender) {
        String local = sender.localPart();
        if (hasTag(local, SRS0, FOREIGN_SEPARATORS)) {
            return srs1(sender.domain(), local.substring(SRS0.length()));
        }
        if (hasTag(local, SRS1, FOREIGN_SEPARATORS)) {
            Optional<String> resigned = resignSrs1(local.substring(SRS1.length() + 1));
            if (resigned.isPresent()) {
                return resigned.get();
            }
        }
        return srs0(sender);
    }

    private String srs0(Address sender) {
        String stamp = SrsTimestamp.of(clock.instant()).text();
        return join(SRS0, hash.sign(stamp, sender.domain(), sender.localPart()), stamp, sender.domain(),
                sender.localPart());
    }

    /** {@code opaque} starts with the separator of the other forwarder's SRS0 tag. */
    private String srs1(String firstSrsDomain, String opaque) {
        return join(SRS1, hash.sign(firstSrsDomain, opaque), firstSrsDomain, opaque);
    }

    /**
     * A sender that is already SRS1 names the first forwarder: keep it and sign anew, as libsrs2 does.
     * An SRS1 tag without the domain and opaque part is no SRS1 address: it is wrapped in SRS0 like
     * any other local part, which reverses to exactly what we received.
     */
    private Optional<String> resignSrs1(String afterTag) {
        String[] fields = afterTag.split(String.valueOf(SEPARATOR), 3);
        if (fields.length < 3 || fields[1].isEmpty() || fields[2].isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(srs1(fields[1], fields[2]));
    }

    private Reversal reverseSrs0(String afterTag) {
        String[] fields = afterTag.split(String.valueOf(SEPARATOR), 4);
        if (fields.length < 4 || fields[0].isEmpty() || fields[2].isEmpty() || fields[3].isEmpty()) {
            return new Reversal.Invalid("malformed SRS0 address: expected SRS0=hash=timestamp=domain=local-part");
        }
        Optional<SrsTimestamp> stamp = SrsTimestamp.parse(fields[1]);
        if (stamp.isEmpty()) {
            return new Reversal.Invalid("malformed SRS0 address: the timestamp is not two base32 characters");
        }
        if (!hash.verify(fields[0], fields[1], fields[2], fields[3])) {
            return forged();
        }
        return checkAge(stamp.get(), clock.instant())
                .orElseGet(() -> new Reversal.Original(fields[3] + "@" + fields[2]));
    }

    private Reversal reverseSrs1(String afterTag) {
        String[] fields = afterTag.split(String.valueOf(SEPARATOR), 3);
        if (fields.length < 3 || fields[0].isEmpty() || fields[1].isEmpty() || fields[2].isEmpty()) {
            return new Reversal.Invalid("malformed SRS1 address: expected SRS1=hash=domain=opaque-part");
        }
        if (!hash.verify(fields[0], fields[1], fields[2])) {
            return forged();
        }
        return new Reversal.Original(SRS0 + fields[2] + "@" + fields[1]);
    }

    /** Empty when the stamp is within the maximum age, or at most {@link #SKEW_DAYS} ahead. */
    private Optional<Reversal> checkAge(SrsTimestamp stamp, Instant now) {
        int age = stamp.daysBefore(now);
        int ahead = SrsTimestamp.SLOTS - age;
        if (age <= maxAgeDays || ahead <= SKEW_DAYS) {
            return Optional.empty();
        }
        if (ahead < age - maxAgeDays) {
            return Optional.of(new Reversal.Invalid("SRS address is dated " + ahead + " days in the future"));
        }
        return Optional.of(new Reversal.Invalid(
                "SRS address expired: made " + age + " days ago, valid for " + maxAgeDays + " days"));
    }

    private static Reversal forged() {
        return new Reversal.Invalid("SRS address has a bad hash: forged, altered or signed with a retired secret");
    }

    private CompletionStage<Boolean> isLocal(String domain) {
        return localDomain.apply(domain.toLowerCase(Locale.ROOT));
    }

    /** The tag in any letter case, followed by one of {@code separators}. */
    private static boolean hasTag(String localPart, String tag, String separators) {
        return localPart.length() > tag.length()
                && localPart.regionMatches(true, 0, tag, 0, tag.length())
                && separators.indexOf(localPart.charAt(tag.length())) >= 0;
    }

    private static String join(String... fields) {
        return String.join(String.valueOf(SEPARATOR), fields);
    }

    /** Split at the last '@', since a quoted local part may contain one (RFC 5321 section 4.1.2). */
    private record Address(String localPart, String domain) {

        static Optional<Address> parse(String address) {
            int at = address.lastIndexOf('@');
            if (at <= 0 || at == address.length() - 1) {
                return Optional.empty();
            }
            return Optional.of(new Address(address.substring(0, at), address.substring(at + 1)));
        }

        boolean isAt(String otherDomain) {
            return domain.equalsIgnoreCase(otherDomain);
        }
    }
}
