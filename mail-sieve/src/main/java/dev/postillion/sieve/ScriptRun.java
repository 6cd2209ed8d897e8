package dev.postillion.sieve;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** One run of a checked script against one message (RFC 5228 s2.10). */
final class ScriptRun {

    /** RFC 5228 s4.2 lets an implementation limit redirects; Pigeonhole's default is 4 too. */
    static final int MAX_REDIRECTS = 4;

    private final SieveMessage message;
    private final String separator;
    private final boolean expanding;
    private final Variables variables = new Variables();
    private final ImapFlags internalFlags = new ImapFlags();
    private final ActionList actions = new ActionList(MAX_REDIRECTS);
    private List<BodyParts.Part> bodyParts;
    private boolean implicitKeep = true;
    private boolean stopped;

    ScriptRun(SieveMessage message, String separator, Set<String> extensions) {
        this.message = message;
        this.separator = separator;
        this.expanding = extensions.contains("variables");
    }

    List<SieveAction> run(List<Node> commands) throws SieveRuntimeError {
        block(commands);
        if (implicitKeep) {
            // RFC 5232 s3: the implicit keep takes the internal variable's flags at the end
            actions.file("INBOX", internalFlags.set());
        }
        return actions.actions();
    }

    private void block(List<Node> commands) throws SieveRuntimeError {
        boolean chainDone = false;
        for (Node command : commands) {
            if (stopped) {
                return;
            }
            switch (command.name()) {
                case "if" -> chainDone = branch(command, false);
                case "elsif" -> chainDone = branch(command, chainDone);
                case "else" -> {
                    if (!chainDone) {
                        block(command.block());
                    }
                }
                default -> action(command);
            }
        }
    }

    /** Runs an if or elsif block if no earlier branch of its chain ran and its test holds. */
    private boolean branch(Node command, boolean chainDone) throws SieveRuntimeError {
        if (chainDone) {
            return true;
        }
        if (test(command.tests().get(0))) {
            block(command.block());
            return true;
        }
        return false;
    }

    private String expand(String text) {
        return expanding ? variables.expand(text) : text;
    }

    private List<String> expand(List<String> texts) {
        List<String> expanded = new ArrayList<>(texts.size());
        for (String text : texts) {
            expanded.add(expand(text));
        }
        return expanded;
    }

    private void action(Node command) throws SieveRuntimeError {
        switch (command.name()) {
            case "stop" -> stopped = true;
            case "keep" -> {
                actions.file("INBOX", flagsFor(command));
                implicitKeep = false;
            }
            case "discard" -> implicitKeep = false;
            case "fileinto" -> {
                actions.file(expand(command.strings(0).get(0)), flagsFor(command));
                implicitKeep &= command.has(":copy");
            }
            case "redirect" -> redirect(command);
            case "setflag", "addflag", "removeflag" -> flagCommand(command);
            case "set" -> variables.set(command.strings(0).get(0),
                    VariableModifiers.apply(command, expand(command.strings(1).get(0))));
            default -> throw new IllegalStateException("unchecked command " + command.name());
        }
    }

    private void redirect(Node command) throws SieveRuntimeError {
        String address = expand(command.strings(0).get(0));
        if (!MailAddresses.valid(address)) {
            throw new SieveRuntimeError("line " + command.line() + ": redirect address \"" + address
                    + "\" is not a valid mail address");
        }
        actions.redirect(address);
        implicitKeep &= command.has(":copy");
    }

    /** RFC 5232 s5: the :flags given, or else the internal variable's flags at this point. */
    private Set<String> flagsFor(Node command) {
        return command.has(":flags") ? ImapFlags.of(expand(command.tagStrings(":flags"))).set() : internalFlags.set();
    }

    private void flagCommand(Node command) {
        List<String> given = expand(command.strings(command.positional().size() - 1));
        boolean named = command.positional().size() == 2;
        String name = named ? command.strings(0).get(0) : null;
        ImapFlags flags = named ? ImapFlags.of(List.of(variables.get(name))) : internalFlags;
        if (command.name().equals("setflag")) {
            flags.remove(flags.list());
        }
        if (command.name().equals("removeflag")) {
            flags.remove(given);
        } else {
            flags.add(given);
        }
        if (named) {
            variables.set(name, flags.text());
        }
    }

    private boolean test(Node test) throws SieveRuntimeError {
        return switch (test.name()) {
            case "true" -> true;
            case "false" -> false;
            case "not" -> !test(test.tests().get(0));
            case "allof" -> allOf(test.tests());
            case "anyof" -> anyOf(test.tests());
            case "exists" -> exists(expand(test.strings(0)));
            case "size" -> test.has(":over") ? message.size() > test.number(0) : message.size() < test.number(0);
            case "header" -> compare(test, headers(expand(test.strings(0))), 1);
            case "address" -> compare(test, addresses(test, expand(test.strings(0))), 1);
            case "envelope" -> compare(test, envelope(test, expand(test.strings(0))), 1);
            case "string" -> compare(test, nonEmptyForCount(test, expand(test.strings(0))), 1);
            case "hasflag" -> compare(test, flagValues(test), test.positional().size() - 1);
            case "body" -> compare(test, body(test), 0);
            default -> throw new IllegalStateException("unchecked test " + test.name());
        };
    }

    private boolean allOf(List<Node> tests) throws SieveRuntimeError {
        for (Node test : tests) {
            if (!test(test)) {
                return false;
            }
        }
        return true;
    }

    private boolean anyOf(List<Node> tests) throws SieveRuntimeError {
        for (Node test : tests) {
            if (test(test)) {
                return true;
            }
        }
        return false;
    }

    private boolean exists(List<String> names) {
        for (String name : names) {
            if (message.headers(name).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    private List<String> headers(List<String> names) {
        List<String> values = new ArrayList<>();
        for (String name : names) {
            values.addAll(message.headers(name));
        }
        return values;
    }

    private List<String> addresses(Node test, List<String> names) {
        List<String> values = new ArrayList<>();
        for (String value : headers(names)) {
            for (MailAddresses.Address address : MailAddresses.parse(value)) {
                addressPart(test, address).ifPresent(values::add);
            }
        }
        return values;
    }

    /** RFC 5228 s5.4: the null reverse-path is "" whatever the address part. */
    private List<String> envelope(Node test, List<String> parts) {
        List<String> values = new ArrayList<>();
        for (String part : parts) {
            String address = part.equalsIgnoreCase("from") ? message.envelopeFrom()
                    : part.equalsIgnoreCase("to") ? message.envelopeTo() : null;
            if (address == null) {
                continue;
            }
            if (address.isEmpty()) {
                values.add("");
            } else {
                for (MailAddresses.Address parsed : MailAddresses.parse(address)) {
                    addressPart(test, parsed).ifPresent(values::add);
                }
            }
        }
        return values;
    }

    /**
     * RFC 5228 s2.7.4 and RFC 5233 s4: an address without a separator has no :detail to compare;
     * but :count counts every address, whatever its parts (RFC 5231 s4).
     */
    private Optional<String> addressPart(Node test, MailAddresses.Address address) {
        Optional<String> part = part(test, address);
        return part.isEmpty() && test.has(":count") ? Optional.of("") : part;
    }

    private Optional<String> part(Node test, MailAddresses.Address address) {
        String local = address.localPart();
        int split = separator.isEmpty() ? -1 : local.indexOf(separator);
        return switch (test.chosen(":all", ":all", ":localpart", ":domain", ":user", ":detail")) {
            case ":localpart" -> Optional.of(local);
            case ":domain" -> Optional.of(address.domain());
            case ":user" -> Optional.of(split < 0 ? local : local.substring(0, split));
            case ":detail" -> split < 0 ? Optional.empty() : Optional.of(local.substring(split + separator.length()));
            default -> Optional.of(address.all());
        };
    }

    /** RFC 5229 s5: :count counts the source strings that are not empty. */
    private static List<String> nonEmptyForCount(Node test, List<String> sources) {
        return test.has(":count") ? sources.stream().filter(source -> !source.isEmpty()).toList() : sources;
    }

    /** RFC 5232 s4: the flags of the named variables, or of the internal variable, one value each. */
    private List<String> flagValues(Node test) {
        if (test.positional().size() == 1) {
            return internalFlags.list();
        }
        ImapFlags flags = new ImapFlags();
        for (String name : test.strings(0)) {
            flags.add(List.of(variables.get(name)));
        }
        return flags.list();
    }

    private List<String> body(Node test) throws SieveRuntimeError {
        String transform = test.chosen(":text", ":raw", ":content", ":text");
        if (transform.equals(":raw")) {
            return List.of(BodyParts.raw(message.content()));
        }
        List<String> types = transform.equals(":text") ? List.of("text") : expand(test.tagStrings(":content"));
        if (bodyParts == null) {
            bodyParts = BodyParts.parse(message.content());
        }
        List<String> values = new ArrayList<>();
        for (BodyParts.Part part : BodyParts.ofTypes(bodyParts, types)) {
            values.add(part.content());
        }
        return values;
    }

    /** Compares the values with the keys (the positional argument at {@code keysAt}) by the test's match type. */
    private boolean compare(Node test, List<String> values, int keysAt) {
        List<String> keys = expand(test.strings(keysAt));
        String comparatorName = test.has(":comparator") ? test.tagStrings(":comparator").get(0) : "i;ascii-casemap";
        Comparator comparator = Comparator.named(comparatorName);
        String matchType = test.chosen(":is", ":is", ":contains", ":matches", ":count", ":value");
        if (matchType.equals(":count")) {
            return related(comparator, test.tagStrings(":count").get(0), List.of(String.valueOf(values.size())), keys);
        }
        if (matchType.equals(":value")) {
            return related(comparator, test.tagStrings(":value").get(0), values, keys);
        }
        for (String value : values) {
            for (String key : keys) {
                // the body test leaves the match variables alone, as Pigeonhole does: its values are
                // whole MIME parts, and capturing would take a table of their size times the key's
                if (matches(matchType, comparator, value, key, !test.name().equals("body"))) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean matches(String matchType, Comparator comparator, String value, String key, boolean capturing) {
        switch (matchType) {
            case ":contains" -> {
                return comparator.contains(value, key);
            }
            case ":matches" -> {
                WildcardPattern pattern = new WildcardPattern(key, comparator);
                if (!expanding || !capturing) {
                    return pattern.matches(value);
                }
                Optional<List<String>> groups = pattern.capture(value);
                groups.ifPresent(variables::matched);
                return groups.isPresent();
            }
            default -> {
                return comparator.equal(value, key);
            }
        }
    }

    /** RFC 5231 s5: whether any value stands in the relation to any key. */
    private static boolean related(Comparator comparator, String relation, List<String> values, List<String> keys) {
        for (String value : values) {
            for (String key : keys) {
                int order = comparator.compare(value, key);
                boolean holds = switch (relation.toLowerCase(Locale.ROOT)) {
                    case "gt" -> order > 0;
                    case "ge" -> order >= 0;
                    case "lt" -> order < 0;
                    case "le" -> order <= 0;
                    case "eq" -> order == 0;
                    default -> order != 0;
                };
                if (holds) {
                    return true;
                }
            }
        }
        return false;
    }
}
