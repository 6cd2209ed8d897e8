package dev.postillion.mta.smtp;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A command line from the client, parsed per RFC 5321 section 4.1. */
public sealed interface SmtpCommand {

    /** The commands Postfix's smtpd_junk_command_limit counts: they keep a session open and move no mail. */
    default boolean isJunk() {
        return this instanceof Noop || this instanceof Rset || this instanceof Vrfy || this instanceof Help;
    }

    record Helo(String domain) implements SmtpCommand {}

    record Ehlo(String domain) implements SmtpCommand {}

    /** @param path what was between the angle brackets; empty for the null reverse-path */
    record Mail(String path, Map<String, String> parameters) implements SmtpCommand {}

    record Rcpt(String path, Map<String, String> parameters) implements SmtpCommand {}

    record Data() implements SmtpCommand {}

    record Rset() implements SmtpCommand {}

    record Noop() implements SmtpCommand {}

    record Quit() implements SmtpCommand {}

    /** RFC 3207: the client asks to start TLS on this connection. */
    record StartTls() implements SmtpCommand {}

    /**
     * RFC 4954 section 4: {@code AUTH mechanism [initial-response]}.
     *
     * @param mechanism upper case
     * @param initialResponse empty when none was given; {@code "="} stands for an empty one
     */
    record Auth(String mechanism, String initialResponse) implements SmtpCommand {}

    record Vrfy(String argument) implements SmtpCommand {}

    record Help(String argument) implements SmtpCommand {}

    /** Recognised by RFC 5321 but not offered here (EXPN, TURN...). */
    record NotImplemented(String verb) implements SmtpCommand {}

    record Unknown(String verb) implements SmtpCommand {}

    /**
     * A command line that does not parse; {@code reply} says what is wrong.
     *
     * @param verb the command's verb in upper case, as the log counts it; empty when the line is
     *     unreadable as a whole (a control character)
     */
    record Malformed(String verb, Reply reply) implements SmtpCommand {}

    static SmtpCommand parse(String line) {
        // Commands are printable text (RFC 5321 section 4.1.1): a CR, NUL or other control character
        // could otherwise travel on, e.g. from the HELO name into our Received header.
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if ((c < ' ' && c != '\t') || c == 127) {
                return new Malformed("", Reply.of(501, "5.5.2", "Error: control character in command line"));
            }
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String argument = space < 0 ? "" : line.substring(space + 1).trim();
        return switch (verb) {
            case "HELO" -> isHeloName(argument) ? new Helo(argument) : malformed("HELO", "Syntax: HELO hostname");
            case "EHLO" -> isHeloName(argument) ? new Ehlo(argument) : malformed("EHLO", "Syntax: EHLO hostname");
            case "MAIL" -> parsePath(argument, "FROM:", true);
            case "RCPT" -> parsePath(argument, "TO:", false);
            case "DATA" -> argument.isEmpty() ? new Data() : malformed("DATA", "Syntax: DATA");
            case "RSET" -> argument.isEmpty() ? new Rset() : malformed("RSET", "Syntax: RSET");
            case "NOOP" -> new Noop();
            case "QUIT" -> argument.isEmpty() ? new Quit() : malformed("QUIT", "Syntax: QUIT");
            // RFC 3207 section 4: STARTTLS takes no parameters.
            case "STARTTLS" -> argument.isEmpty() ? new StartTls() : malformed("STARTTLS", "Syntax: STARTTLS");
            case "AUTH" -> parseAuth(argument);
            case "VRFY" -> argument.isEmpty() ? malformed("VRFY", "Syntax: VRFY address") : new Vrfy(argument);
            case "HELP" -> new Help(argument);
            case "EXPN", "TURN", "SEND", "SOML", "SAML" -> new NotImplemented(verb);
            default -> new Unknown(verb);
        };
    }

    /**
     * RFC 5321 section 4.1.1.1: a domain or an address literal. Leniently, as clients often send
     * bare names: any run of ASCII letters, digits and {@code - . _ : [ ]}, which is what may later
     * appear in our Received header. A name with 8-bit characters is refused: the Received header
     * of a message without SMTPUTF8 must stay ASCII, and internationalized names travel as
     * A-labels (RFC 5890) in EHLO.
     */
    private static boolean isHeloName(String argument) {
        if (argument.isEmpty() || argument.length() > 255) {
            return false;
        }
        for (int i = 0; i < argument.length(); i++) {
            char c = argument.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._:[]".indexOf(c) >= 0;
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /**
     * {@code FROM:<path> [SP parameters]} (RFC 5321 section 4.1.1.2 and 4.1.1.3). A space after
     * the colon is tolerated, as most servers do. A source route {@code <@a,@b:user@c>} is
     * accepted and its route ignored (RFC 5321 section 4.1.1.3 and appendix C).
     */
    private static SmtpCommand parsePath(String argument, String keyword, boolean sender) {
        String verb = sender ? "MAIL" : "RCPT";
        String syntax = "Syntax: " + verb + (sender ? " FROM:<address>" : " TO:<address>");
        if (!argument.regionMatches(true, 0, keyword, 0, keyword.length())) {
            return malformed(verb, syntax);
        }
        String rest = argument.substring(keyword.length()).stripLeading();
        if (!rest.startsWith("<")) {
            return malformed(verb, syntax);
        }
        int close = rest.indexOf('>');
        if (close < 0) {
            return malformed(verb, syntax);
        }
        String path = rest.substring(1, close);
        if (path.startsWith("@")) {
            int colon = path.indexOf(':');
            path = colon < 0 ? "" : path.substring(colon + 1);
        }
        String tail = rest.substring(close + 1);
        if (!tail.isEmpty() && !tail.startsWith(" ")) {
            return malformed(verb, syntax);
        }
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String parameter : tail.trim().split(" +")) {
            if (parameter.isEmpty()) {
                continue;
            }
            int equals = parameter.indexOf('=');
            String key = (equals < 0 ? parameter : parameter.substring(0, equals)).toUpperCase(Locale.ROOT);
            if (parameters.containsKey(key)) {
                // A repeated parameter has no defined meaning; rather than guess which one counts
                // (two RETs, two NOTIFYs...), the command is refused.
                return new Malformed(verb, Replies.duplicateParameter(key));
            }
            parameters.put(key, equals < 0 ? "" : parameter.substring(equals + 1));
        }
        return sender ? new Mail(path, parameters) : new Rcpt(path, parameters);
    }

    private static SmtpCommand parseAuth(String argument) {
        String[] words = argument.split(" +");
        if (argument.isEmpty() || words.length > 2) {
            return malformed("AUTH", "Syntax: AUTH mechanism [initial-response]");
        }
        return new Auth(words[0].toUpperCase(Locale.ROOT), words.length == 2 ? words[1] : "");
    }

    private static SmtpCommand malformed(String verb, String text) {
        return new Malformed(verb, Reply.of(501, "5.5.4", text));
    }
}
