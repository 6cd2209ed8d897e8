package dev.postillion.auth.spf;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SPF record (RFC 7208 section 4.5 and 12), parsed whole before it is evaluated, so that a
 * syntax error anywhere in it is a permerror even when an earlier mechanism would match (section
 * 4.6).
 *
 * @param directives the mechanisms with their qualifiers, in order
 * @param redirect the target of the {@code redirect=} modifier (section 6.1)
 * @param explanation the target of the {@code exp=} modifier (section 6.2)
 */
record SpfRecord(List<Directive> directives, Optional<MacroString> redirect, Optional<MacroString> explanation) {

    private static final String VERSION = "v=spf1";
    /** A modifier: {@code name "=" ...}, '=' right after the name (section 4.6.1), name per section 12. */
    private static final Pattern MODIFIER = Pattern.compile("([A-Za-z][A-Za-z0-9_.-]*)=(.*)", Pattern.DOTALL);
    /** A directive: {@code [qualifier] mechanism}, the mechanism's name followed by its arguments. */
    private static final Pattern DIRECTIVE = Pattern.compile("([-+?~]?)([A-Za-z][A-Za-z0-9]*)(.*)", Pattern.DOTALL);
    /** A domain-spec and a {@code dual-cidr-length} after it: the shortest domain that leaves a valid suffix. */
    private static final Pattern SPEC_AND_CIDR = Pattern.compile("(.*?)((?:/[0-9]+)?(?://[0-9]+)?)", Pattern.DOTALL);
    private static final Pattern DUAL_CIDR = Pattern.compile("(?:/([0-9]+))?(?://([0-9]+))?");
    private static final int IP4_BITS = 32;
    private static final int IP6_BITS = 128;

    /**
     * One directive.
     *
     * @param qualifier '+', '-', '~' or '?' ('+' when the record gives none, section 4.6.2)
     * @param mechanism what it tests
     * @param term the term as the record wrote it, for reasons given to people
     */
    record Directive(char qualifier, Mechanism mechanism, String term) {}

    SpfRecord {
        directives = List.copyOf(directives);
    }

    /**
     * Whether a TXT record is an SPF record: "v=spf1", in any case, followed by a space or nothing
     * (section 4.5).
     */
    static boolean isSpf(String txt) {
        return txt.regionMatches(true, 0, VERSION, 0, VERSION.length())
                && (txt.length() == VERSION.length() || txt.charAt(VERSION.length()) == ' ');
    }

    /** Whether a redirect= must be ignored: the record has an "all" mechanism anywhere (section 6.1). */
    boolean hasAll() {
        return directives.stream().anyMatch(directive -> directive.mechanism() instanceof Mechanism.All);
    }

    /**
     * Parses an SPF record (one for which {@link #isSpf} holds).
     *
     * @throws SpfSyntaxException naming the first term that breaks the grammar of section 12
     */
    static SpfRecord parse(String txt) {
        if (!txt.chars().allMatch(c -> c < 0x80)) {
            throw new SpfSyntaxException("the record is not US-ASCII");
        }
        List<Directive> directives = new ArrayList<>();
        Optional<MacroString> redirect = Optional.empty();
        Optional<MacroString> explanation = Optional.empty();
        // terms are separated by one or more spaces, and only spaces (section 4.6.1)
        for (String term : txt.substring(VERSION.length()).split(" ")) {
            if (term.isEmpty()) {
                continue;
            }
            Matcher modifier = MODIFIER.matcher(term);
            if (!modifier.matches()) {
                directives.add(directive(term));
                continue;
            }
            String name = modifier.group(1).toLowerCase(Locale.ROOT);
            String value = modifier.group(2);
            if (name.equals("redirect")) {
                redirect = once(redirect, name, domainSpec(value, term));
            } else if (name.equals("exp")) {
                explanation = once(explanation, name, domainSpec(value, term));
            } else {
                // unknown modifiers are ignored, but must be well-formed (section 6)
                MacroString.parse(value, MacroString.Syntax.MODIFIER_VALUE);
            }
        }
        return new SpfRecord(directives, redirect, explanation);
    }

    /** redirect= and exp= appear at most once each (section 6). */
    private static Optional<MacroString> once(Optional<MacroString> earlier, String name, MacroString value) {
        if (earlier.isPresent()) {
            throw new SpfSyntaxException("more than one " + name + "= modifier");
        }
        return Optional.of(value);
    }

    private static Directive directive(String term) {
        Matcher matcher = DIRECTIVE.matcher(term);
        if (!matcher.matches()) {
            throw new SpfSyntaxException("unknown term '" + term + "'");
        }
        char qualifier = matcher.group(1).isEmpty() ? '+' : matcher.group(1).charAt(0);
        String name = matcher.group(2).toLowerCase(Locale.ROOT);
        String arguments = matcher.group(3);
        return new Directive(qualifier, mechanism(name, arguments, term), term);
    }

    /** The mechanism {@code name} with its {@code arguments}, by the grammar of its section 5.x. */
    private static Mechanism mechanism(String name, String arguments, String term) {
        return switch (name) {
            case "all" -> all(arguments, term);
            case "include" -> new Mechanism.Include(domainSpec(required(arguments, term), term));
            case "exists" -> new Mechanism.Exists(domainSpec(required(arguments, term), term));
            case "a" -> addressMechanism(arguments, term,
                    (spec, cidr) -> new Mechanism.A(spec, cidr.ip4(), cidr.ip6()));
            case "mx" -> addressMechanism(arguments, term,
                    (spec, cidr) -> new Mechanism.Mx(spec, cidr.ip4(), cidr.ip6()));
            case "ptr" -> new Mechanism.Ptr(arguments.isEmpty()
                    ? Optional.empty()
                    : Optional.of(domainSpec(required(arguments, term), term)));
            case "ip4" -> new Mechanism.Ip(network(required(arguments, term), term, IP4_BITS));
            case "ip6" -> new Mechanism.Ip(network(required(arguments, term), term, IP6_BITS));
            default -> throw new SpfSyntaxException("unknown mechanism '" + term + "'");
        };
    }

    /** {@code all}, without arguments or CIDR length (section 5.1). */
    private static Mechanism all(String arguments, String term) {
        if (!arguments.isEmpty()) {
            throw new SpfSyntaxException("'" + term + "' takes no arguments");
        }
        return new Mechanism.All();
    }

    /** The text after the ':' that the mechanism requires. */
    private static String required(String arguments, String term) {
        if (!arguments.startsWith(":")) {
            throw new SpfSyntaxException("'" + term + "' lacks ':' and its argument");
        }
        return arguments.substring(1);
    }

    /** The prefix lengths of a {@code dual-cidr-length}. */
    private record DualCidr(int ip4, int ip6) {}

    /**
     * {@code [ ":" domain-spec ] [ dual-cidr-length ]} of a and mx (sections 5.3, 5.4). A domain-spec
     * may itself contain '/', so the CIDR lengths are the shortest valid suffix.
     */
    private static Mechanism addressMechanism(String arguments, String term,
            BiFunction<Optional<MacroString>, DualCidr, Mechanism> create) {
        if (arguments.isEmpty() || arguments.startsWith("/")) {
            return create.apply(Optional.empty(), dualCidr(arguments, term));
        }
        Matcher matcher = SPEC_AND_CIDR.matcher(required(arguments, term));
        if (!matcher.matches()) {
            throw new SpfSyntaxException("bad argument in '" + term + "'");
        }
        return create.apply(Optional.of(domainSpec(matcher.group(1), term)), dualCidr(matcher.group(2), term));
    }

    /** {@code dual-cidr-length = [ ip4-cidr-length ] [ "/" ip6-cidr-length ]}; the defaults are 32 and 128. */
    private static DualCidr dualCidr(String text, String term) {
        Matcher matcher = DUAL_CIDR.matcher(text);
        if (!matcher.matches()) {
            throw new SpfSyntaxException("bad CIDR length in '" + term + "'");
        }
        return new DualCidr(prefix(matcher.group(1), IP4_BITS, term), prefix(matcher.group(2), IP6_BITS, term));
    }

    /**
     * A CIDR length: decimal without leading zeros, at most the address's bits (section 5.6); absent,
     * the whole address.
     */
    private static int prefix(String digits, int bits, String term) {
        if (digits == null) {
            return bits;
        }
        if ((digits.length() > 1 && digits.startsWith("0")) || digits.length() > 3 || Integer.parseInt(digits) > bits) {
            throw new SpfSyntaxException("bad CIDR length in '" + term + "'");
        }
        return Integer.parseInt(digits);
    }

    /** {@code ip4-network [ ip4-cidr-length ]} or {@code ip6-network [ ip6-cidr-length ]} (section 5.6). */
    private static IpNetwork network(String text, String term, int bits) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        int prefix = slash < 0 ? bits : prefix(cidrDigits(text.substring(slash + 1), term), bits, term);
        Optional<byte[]> octets = bits == IP4_BITS ? IpNetwork.parseIp4(address) : IpNetwork.parseIp6(address);
        return new IpNetwork(octets.orElseThrow(() -> new SpfSyntaxException("bad address in '" + term + "'")), prefix);
    }

    private static String cidrDigits(String text, String term) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new SpfSyntaxException("bad CIDR length in '" + term + "'");
        }
        return text;
    }

    /**
     * A {@code domain-spec} (section 7.1): a non-empty macro-string without the macros reserved for
     * explanations, ending in a macro or in "." and a top label.
     */
    static MacroString domainSpec(String text, String term) {
        MacroString spec = MacroString.parse(text, MacroString.Syntax.DOMAIN_SPEC);
        if (!spec.hasDomainEnd()) {
            throw new SpfSyntaxException("'" + term + "' does not name a valid domain");
        }
        return spec;
    }
}
