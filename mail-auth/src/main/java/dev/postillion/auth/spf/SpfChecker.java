package dev.postillion.auth.spf;

import dev.postillion.auth.spf.SpfVerdict.Identity;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.NameService;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Type;

/**
 * Checks whether a client may send mail for a sender: SPF, RFC 7208. Never blocks: {@link #check}
 * returns at once, and the check runs as DNS answers arrive, on the threads that deliver them.
 * Safe to share: every check keeps its own state.
 */
public final class SpfChecker {

    private static final Logger LOG = LoggerFactory.getLogger(SpfChecker.class);
    private static final String UNKNOWN = "unknown";

    private final NameService dns;
    private final SpfSettings settings;
    private final String receiver;
    private final Clock clock;

    /**
     * @param receiver the name of this host, the {@code r} macro of explanations (RFC 7208 section
     *     7.2); blank for "unknown"
     * @param clock for the {@code t} macro
     */
    public SpfChecker(NameService dns, SpfSettings settings, String receiver, Clock clock) {
        this.dns = Objects.requireNonNull(dns, "dns");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.receiver = receiver == null || receiver.isBlank() ? UNKNOWN : receiver;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The SPF verdict on a client's use of a sender (RFC 7208 section 2.3 and 4): the MAIL FROM
     * identity, or for the null sender the HELO identity, as {@code postmaster@} the HELO name.
     *
     * @param client the client's address; an IPv4-mapped IPv6 address counts as IPv4 (section 5)
     * @param heloName the name the client gave in HELO or EHLO
     * @param mailFrom the reverse-path without angle brackets; empty for the null sender
     * @return completes with the verdict, never exceptionally; a check that takes longer than the
     *     configured timeout is a temperror
     */
    public CompletionStage<SpfVerdict> check(InetAddress client, String heloName, String mailFrom) {
        Identity identity = mailFrom.isEmpty() ? Identity.HELO : Identity.MAILFROM;
        Sender sender = Sender.of(mailFrom.isEmpty() ? "postmaster@" + heloName : mailFrom);
        Optional<String> malformed = DomainNames.malformation(sender.domain());
        if (malformed.isPresent()) {
            return CompletableFuture.completedFuture(new SpfVerdict(SpfResult.NONE, identity, sender.domain(),
                    "no SPF check for " + sender.domain() + ": " + malformed.get(), ""));
        }
        InetAddress ip = IpNetwork.normalized(client);
        CheckHost check = new CheckHost(dns, new MacroString.Values(sender.address(), sender.localPart(),
                sender.domain(), sender.domain(), ip, UNKNOWN, heloName, receiver, clock.instant().getEpochSecond()),
                settings.voidLookupLimit());
        return CompletableFuture.completedFuture(sender.domain())
                .thenCompose(check::checkHost)
                .thenCompose(outcome -> withExplanation(check, outcome))
                .orTimeout(settings.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .handle((verdict, failure) -> failure == null
                        ? verdict.toVerdict(identity, sender, ip)
                        : error(identity, sender, failure));
    }

    /**
     * The sender as RFC 7208 section 4.3 takes it: without a local-part, "postmaster" stands for it.
     *
     * @param address the {@code s} macro: local-part "@" domain
     */
    private record Sender(String address, String localPart, String domain) {
        static Sender of(String mailbox) {
            int at = mailbox.lastIndexOf('@');
            String localPart = at > 0 ? mailbox.substring(0, at) : "postmaster";
            String domain = mailbox.substring(at + 1);
            return new Sender(localPart + "@" + domain, localPart, domain);
        }
    }

    /** An outcome with the explanation that goes with it, when there is one. */
    private record Explained(CheckHost.Outcome outcome, String explanation) {

        SpfVerdict toVerdict(Identity identity, Sender sender, InetAddress ip) {
            return new SpfVerdict(outcome.result(), identity, sender.domain(), reason(sender, ip), explanation);
        }

        /** In the words of the Received-SPF comments of RFC 7208 section 9.1, with what matched. */
        private String reason(Sender sender, InetAddress ip) {
            String client = IpNetwork.readable(ip);
            String matched = " (" + outcome.domain() + ": " + outcome.term() + ")";
            return switch (outcome.result()) {
                case PASS -> "domain of " + sender.address() + " designates " + client + " as permitted sender"
                        + matched;
                case FAIL -> "domain of " + sender.address() + " does not designate " + client + " as permitted sender"
                        + matched;
                case SOFTFAIL -> "domain of transitioning " + sender.address() + " does not designate " + client
                        + " as permitted sender" + matched;
                case NEUTRAL -> client + " is neither permitted nor denied by domain of " + sender.address() + matched;
                case NONE -> "domain of " + sender.address() + " does not designate permitted sender hosts" + matched;
                default -> throw new IllegalStateException("errors are thrown: " + outcome);
            };
        }
    }

    /**
     * The explanation of a fail (RFC 7208 section 6.2): the exp= target expanded, its single TXT
     * record expanded in turn. Whatever goes wrong on the way (the target, DNS, no record or
     * several, bad syntax, text not US-ASCII) leaves the fail without one. Its lookups do not count
     * against the limits of section 4.6.4.
     */
    private static CompletionStage<Explained> withExplanation(CheckHost check, CheckHost.Outcome outcome) {
        if (outcome.explanation().isEmpty()) {
            return CompletableFuture.completedFuture(new Explained(outcome, ""));
        }
        return check.expand(outcome.explanation().get(), outcome.domain())
                .thenCompose(target -> DomainNames.forQuery(target)
                        .map(name -> check.dns().query(name, Type.TXT).thenCompose(answer -> explain(check, outcome, answer)))
                        .orElse(CompletableFuture.completedFuture("")))
                .exceptionally(failure -> "")
                .thenApply(text -> new Explained(outcome, text));
    }

    private static CompletionStage<String> explain(CheckHost check, CheckHost.Outcome outcome, DnsAnswer txt) {
        List<String> records = txt.texts();
        if (records.size() != 1 || !records.get(0).chars().allMatch(c -> c < 0x80)) {
            return CompletableFuture.completedFuture("");
        }
        try {
            MacroString text = MacroString.parse(records.get(0), MacroString.Syntax.EXPLANATION);
            return check.expand(text, outcome.domain());
        } catch (SpfSyntaxException e) {
            return CompletableFuture.completedFuture("");
        }
    }

    private SpfVerdict error(Identity identity, Sender sender, Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof SpfError error) {
            return new SpfVerdict(error.result(), identity, sender.domain(), error.getMessage(), "");
        }
        if (cause instanceof TimeoutException) {
            return new SpfVerdict(SpfResult.TEMPERROR, identity, sender.domain(),
                    "SPF check took longer than " + settings.timeout().toSeconds() + " s", "");
        }
        LOG.warn("SPF check of {} failed", sender.domain(), cause);
        return new SpfVerdict(SpfResult.TEMPERROR, identity, sender.domain(), "internal error", "");
    }
}
