package dev.postillion.auth.spf;

import dev.postillion.auth.spf.SpfRecord.Directive;
import dev.postillion.core.dns.DnsAnswer;
import dev.postillion.core.dns.NameService;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Type;

/**
 * One SPF check: the {@code check_host()} function of RFC 7208 section 4, applied to the client,
 * sender and domain given, with the recursion of include and redirect and the processing limits of
 * section 4.6.4 over the whole check. Asynchronous throughout: each step runs when the DNS answer
 * it waits for arrives, on whatever thread completes it. The steps run one after the other, so the
 * counters need no locking: each completion happens-before the step that follows it.
 *
 * <p>A temperror or permerror ends the check at once: it is thrown as an {@link SpfError} inside the
 * stages and becomes the check's result where the verdict is made.
 */
final class CheckHost {

    /** Terms that query DNS allowed per check (section 4.6.4). */
    static final int MAX_DNS_TERMS = 10;
    /** MX records one mx mechanism may look at; more are a permerror (section 4.6.4). */
    static final int MAX_MX = 10;
    /** PTR names looked at for validation; the rest are ignored (section 4.6.4). */
    static final int MAX_PTR = 10;

    private final NameService dns;
    private final MacroString.Values values;
    private final int voidLookupLimit;
    private int dnsTerms;
    private int voidLookups;
    private CompletableFuture<Validation> validation;

    /**
     * The outcome of check_host() for one domain, before explanations.
     *
     * @param result pass, fail, softfail, neutral or none (the errors are thrown)
     * @param domain the domain whose record decided: after a redirect, its target
     * @param term the directive that matched, or a few words on why none did
     * @param explanation for fail, the deciding record's exp= (section 6.2)
     */
    record Outcome(SpfResult result, String domain, String term, Optional<MacroString> explanation) {}

    /**
     * The client's validated domain names (section 5.5): the names its PTR records give, at most
     * {@link #MAX_PTR}, that have an address equal to the client's.
     *
     * @param voidLookup whether the PTR question found nothing (NXDOMAIN or NODATA)
     */
    private record Validation(boolean voidLookup, List<String> names) {}

    /**
     * @param values the macro values; {@code domain} is set for each record evaluated
     */
    CheckHost(NameService dns, MacroString.Values values, int voidLookupLimit) {
        this.dns = dns;
        this.values = values;
        this.voidLookupLimit = voidLookupLimit;
    }

    NameService dns() {
        return dns;
    }

    /**
     * check_host() for {@code domain} (section 4): its SPF record looked up (4.4), selected (4.5) and
     * evaluated (4.6). A malformed domain or one without an SPF record gives none (4.3, 4.5).
     */
    CompletionStage<Outcome> checkHost(String domain) {
        Optional<String> malformed = DomainNames.malformation(domain);
        if (malformed.isPresent()) {
            return done(new Outcome(SpfResult.NONE, domain, malformed.get(), Optional.empty()));
        }
        String name = DomainNames.withoutFinalDot(domain);
        return dns.query(name, Type.TXT).thenCompose(answer -> {
            if (answer.outcome() == DnsAnswer.Outcome.FAILED) {
                throw SpfError.temporary("DNS failure looking up TXT " + name + ": " + answer.reason());
            }
            List<String> records = answer.texts().stream().filter(SpfRecord::isSpf).toList();
            if (records.isEmpty()) {
                return done(new Outcome(SpfResult.NONE, name, "no SPF record", Optional.empty()));
            }
            if (records.size() > 1) {
                throw SpfError.permanent(name + " publishes " + records.size() + " SPF records");
            }
            return evaluate(parse(name, records.get(0)), name, 0);
        });
    }

    private static SpfRecord parse(String domain, String txt) {
        try {
            return SpfRecord.parse(txt);
        } catch (SpfSyntaxException e) {
            throw SpfError.permanent("SPF record of " + domain + ": " + e.getMessage());
        }
    }

    /**
     * The directives from {@code from} on, left to right: the first that matches decides (section
     * 4.6.2). Mechanisms answered at once are tested in a loop, so that a long record of ip4 terms
     * does not nest stages.
     */
    private CompletionStage<Outcome> evaluate(SpfRecord record, String domain, int from) {
        for (int i = from; i < record.directives().size(); i++) {
            Directive directive = record.directives().get(i);
            CompletableFuture<Boolean> matches = matches(directive, domain).toCompletableFuture();
            if (matches.isDone() && !matches.isCompletedExceptionally()) {
                if (matches.join()) {
                    return done(matched(record, domain, directive));
                }
                continue;
            }
            int next = i + 1;
            return matches.thenCompose(matched -> matched
                    ? done(matched(record, domain, directive))
                    : evaluate(record, domain, next));
        }
        return noMatch(record, domain);
    }

    private static Outcome matched(SpfRecord record, String domain, Directive directive) {
        SpfResult result = SpfResult.ofQualifier(directive.qualifier());
        return new Outcome(result, domain, directive.term(),
                result == SpfResult.FAIL ? record.explanation() : Optional.empty());
    }

    /**
     * No mechanism matched: the redirect= target's check_host() decides if there is one and no "all"
     * (section 6.1), and its none is a permerror; else the result is neutral (section 4.7).
     */
    private CompletionStage<Outcome> noMatch(SpfRecord record, String domain) {
        if (record.redirect().isEmpty() || record.hasAll()) {
            return done(new Outcome(SpfResult.NEUTRAL, domain, "no mechanism matched", Optional.empty()));
        }
        countDnsTerm("redirect=" + record.redirect().get());
        return target(Optional.of(record.redirect().get()), domain).thenCompose(target -> {
            if (target.isEmpty()) {
                throw SpfError.permanent("redirect= of " + domain + " names no valid domain");
            }
            return checkHost(target.get()).thenApply(outcome -> {
                if (outcome.result() == SpfResult.NONE) {
                    throw SpfError.permanent("redirect=" + target.get() + " of " + domain + ": no SPF record there");
                }
                return outcome;
            });
        });
    }

    /** Whether a mechanism matches the client, for the record of {@code domain} (section 5). */
    private CompletionStage<Boolean> matches(Directive directive, String domain) {
        Mechanism mechanism = directive.mechanism();
        if (mechanism.queriesDns()) {
            countDnsTerm(directive.term());
        }
        if (mechanism instanceof Mechanism.All) {
            return done(true);
        }
        if (mechanism instanceof Mechanism.Ip ip) {
            return done(ip.network().contains(values.client()));
        }
        if (mechanism instanceof Mechanism.Include include) {
            return include(include, domain);
        }
        if (mechanism instanceof Mechanism.A a) {
            return a(a, domain);
        }
        if (mechanism instanceof Mechanism.Mx mx) {
            return mx(mx, domain);
        }
        if (mechanism instanceof Mechanism.Ptr ptr) {
            return ptr(ptr, domain);
        }
        return exists((Mechanism.Exists) mechanism, domain);
    }

    /**
     * include (section 5.2): the target's pass matches; its fail, softfail and neutral do not; its
     * none is a permerror; its temperror and permerror are the check's.
     */
    private CompletionStage<Boolean> include(Mechanism.Include include, String domain) {
        return target(Optional.of(include.domain()), domain).thenCompose(target -> {
            if (target.isEmpty()) {
                throw SpfError.permanent("include:" + include.domain() + " of " + domain + " names no valid domain");
            }
            return checkHost(target.get()).thenApply(outcome -> {
                if (outcome.result() == SpfResult.NONE) {
                    throw SpfError.permanent("include:" + target.get() + " of " + domain + ": no SPF record there");
                }
                return outcome.result() == SpfResult.PASS;
            });
        });
    }

    /** a (section 5.3): an address of the target, A or AAAA as the client's, within the CIDR length. */
    private CompletionStage<Boolean> a(Mechanism.A a, String domain) {
        return target(a.domain(), domain).thenCompose(target -> target.isEmpty()
                ? done(false)
                : addresses(target.get()).thenApply(answer -> {
                    countIfVoid(answer);
                    return anyWithin(required(answer, target.get()).addresses(), a.ip4Prefix(), a.ip6Prefix());
                }));
    }

    /**
     * mx (section 5.4): an address of one of the target's MX hosts within the CIDR length. Over
     * {@link #MAX_MX} MX records is a permerror (section 4.6.4); there is no implicit MX.
     */
    private CompletionStage<Boolean> mx(Mechanism.Mx mx, String domain) {
        return target(mx.domain(), domain).thenCompose(target -> {
            if (target.isEmpty()) {
                return done(false);
            }
            return dns.query(target.get(), Type.MX).thenCompose(answer -> {
                countIfVoid(answer);
                List<String> hosts = required(answer, target.get()).hosts();
                if (hosts.size() > MAX_MX) {
                    throw SpfError.permanent(target.get() + " has more than " + MAX_MX + " MX records");
                }
                return mxHostsMatch(hosts, mx);
            });
        });
    }

    /**
     * Whether an address of any host matches. The hosts are asked all at once; a host that fails to
     * answer makes a temperror only if no other host matches. A null MX (RFC 7505) has no address.
     */
    private CompletionStage<Boolean> mxHostsMatch(List<String> hosts, Mechanism.Mx mx) {
        List<CompletableFuture<DnsAnswer>> lookups = hosts.stream()
                .map(host -> DomainNames.forQuery(host)
                        .map(name -> addresses(name).toCompletableFuture())
                        .orElse(CompletableFuture.completedFuture(DnsAnswer.malformed(host, addressType()))))
                .toList();
        return CompletableFuture.allOf(lookups.toArray(CompletableFuture<?>[]::new)).thenApply(all -> {
            List<DnsAnswer> answers = lookups.stream().map(CompletableFuture::join).toList();
            if (answers.stream().anyMatch(answer -> anyWithin(answer.addresses(), mx.ip4Prefix(), mx.ip6Prefix()))) {
                return true;
            }
            answers.stream().filter(answer -> answer.outcome() == DnsAnswer.Outcome.FAILED).findFirst().ifPresent(failed -> {
                throw SpfError.temporary("DNS failure looking up an MX host's address: " + failed.reason());
            });
            return false;
        });
    }

    /** ptr (section 5.5): a validated name of the client that is the target or ends in "." and the target. */
    private CompletionStage<Boolean> ptr(Mechanism.Ptr ptr, String domain) {
        return target(ptr.domain(), domain).thenCompose(target -> {
            if (target.isEmpty()) {
                return done(false);
            }
            return validation().thenApply(validation -> {
                if (validation.voidLookup()) {
                    countVoid();
                }
                return validation.names().stream().anyMatch(name -> isAtOrBelow(name, target.get()));
            });
        });
    }

    /** exists (section 5.7): the target has an A record, whatever the client's family. */
    private CompletionStage<Boolean> exists(Mechanism.Exists exists, String domain) {
        return target(Optional.of(exists.domain()), domain).thenCompose(target -> target.isEmpty()
                ? done(false)
                : dns.query(target.get(), Type.A).thenApply(answer -> {
                    countIfVoid(answer);
                    return !required(answer, target.get()).records().isEmpty();
                }));
    }

    /**
     * The client's validated names, looked up once per check for ptr and the p macro (section 5.5):
     * a PTR failure leaves none; a name whose address lookup fails is skipped.
     */
    private CompletionStage<Validation> validation() {
        if (validation == null) {
            validation = dns.query(IpNetwork.reverseName(values.client()), Type.PTR).toCompletableFuture()
                    .thenCompose(this::validate);
        }
        return validation;
    }

    private CompletionStage<Validation> validate(DnsAnswer ptr) {
        List<String> candidates = ptr.hosts().stream().limit(MAX_PTR).toList();
        List<CompletableFuture<Optional<String>>> checks = new ArrayList<>();
        for (String candidate : candidates) {
            checks.add(DomainNames.forQuery(candidate)
                    .map(name -> addresses(name).toCompletableFuture()
                            .thenApply(answer -> answer.addresses().stream().anyMatch(this::isClient)
                                    ? Optional.of(name)
                                    : Optional.<String>empty()))
                    .orElse(CompletableFuture.completedFuture(Optional.empty())));
        }
        return CompletableFuture.allOf(checks.toArray(CompletableFuture<?>[]::new)).thenApply(all -> new Validation(
                ptr.absent(), checks.stream().map(CompletableFuture::join).flatMap(Optional::stream).toList()));
    }

    /**
     * The {@code p} macro's value for the record of {@code domain} (section 7.2): the domain itself
     * if validated, else a validated name below it, else any validated name, else "unknown".
     */
    private CompletionStage<String> validatedName(String domain) {
        return validation().thenApply(validation -> validation.names().stream()
                .filter(name -> name.equalsIgnoreCase(domain))
                .findFirst()
                .or(() -> validation.names().stream().filter(name -> isAtOrBelow(name, domain)).findFirst())
                .or(() -> validation.names().stream().findFirst())
                .orElse("unknown"));
    }

    /**
     * The name a mechanism or modifier queries: its domain-spec expanded, else the current domain;
     * empty when no DNS question can be written for it (then it matches nothing).
     */
    private CompletionStage<Optional<String>> target(Optional<MacroString> spec, String domain) {
        if (spec.isEmpty()) {
            return done(Optional.of(domain));
        }
        return expand(spec.get(), domain).thenApply(DomainNames::forQuery);
    }

    /** A macro-string expanded for the record of {@code domain} (section 7.3). */
    CompletionStage<String> expand(MacroString text, String domain) {
        MacroString.Values forDomain = values.withDomain(domain);
        if (!text.usesValidatedName()) {
            return done(text.expand(forDomain));
        }
        return validatedName(domain).thenApply(name -> text.expand(forDomain.withValidatedName(name)));
    }

    /** The records, none for NXDOMAIN and NODATA; a DNS failure makes the check a temperror (section 5). */
    private static DnsAnswer required(DnsAnswer answer, String name) {
        if (answer.outcome() == DnsAnswer.Outcome.FAILED) {
            throw SpfError.temporary("DNS failure looking up " + name + ": " + answer.reason());
        }
        return answer;
    }

    /** The A or AAAA records of {@code name}, whichever family the client's address is of. */
    private CompletionStage<DnsAnswer> addresses(String name) {
        return dns.query(name, addressType());
    }

    private int addressType() {
        return values.client().getAddress().length == 4 ? Type.A : Type.AAAA;
    }

    private boolean anyWithin(List<InetAddress> addresses, int ip4Prefix, int ip6Prefix) {
        int prefix = values.client().getAddress().length == 4 ? ip4Prefix : ip6Prefix;
        return addresses.stream()
                .anyMatch(address -> new IpNetwork(address.getAddress(), prefix).contains(values.client()));
    }

    private boolean isClient(InetAddress address) {
        return Arrays.equals(address.getAddress(), values.client().getAddress());
    }

    private static boolean isAtOrBelow(String name, String domain) {
        String candidate = DomainNames.withoutFinalDot(name).toLowerCase(Locale.ROOT);
        String target = DomainNames.withoutFinalDot(domain).toLowerCase(Locale.ROOT);
        return candidate.equals(target) || candidate.endsWith("." + target);
    }

    /** At most {@link #MAX_DNS_TERMS} terms that query DNS per check (section 4.6.4). */
    private void countDnsTerm(String term) {
        if (++dnsTerms > MAX_DNS_TERMS) {
            throw SpfError.permanent("more than " + MAX_DNS_TERMS + " mechanisms and modifiers that query DNS (at '"
                    + term + "')");
        }
    }

    private void countIfVoid(DnsAnswer answer) {
        if (answer.absent()) {
            countVoid();
        }
    }

    /** At most so many DNS questions of mechanisms may find nothing (section 4.6.4). */
    private void countVoid() {
        if (++voidLookups > voidLookupLimit) {
            throw SpfError.permanent("more than " + voidLookupLimit + " void DNS lookups");
        }
    }

    private static <T> CompletionStage<T> done(T value) {
        return CompletableFuture.completedFuture(value);
    }
}
