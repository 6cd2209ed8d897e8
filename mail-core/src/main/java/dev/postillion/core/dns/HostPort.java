package dev.postillion.core.dns;

import java.util.regex.Pattern;

/**
 * A host and port as operators write them in configuration, after Postfix: {@code host},
 * {@code host:port}, {@code [host]} or {@code [host]:port}. Brackets say "this very host" (no MX
 * lookup) and are the only way to give a port with an IPv6 address.
 *
 * @param host a host name or an IP address, without brackets
 * @param bracketed whether the host was written in brackets
 */
public record HostPort(String host, int port, boolean bracketed) {

    /** Host names as DNS holds them (letters, digits, hyphens; underscores for internal names). */
    private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*");

    /**
     * @param defaultPort the port when {@code text} gives none
     * @throws IllegalArgumentException saying what is wrong with {@code text}
     */
    public static HostPort parse(String text, int defaultPort) {
        String host = text;
        String port = null;
        boolean bracketed = text.startsWith("[");
        if (bracketed) {
            int close = text.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("no ']' after '[' in \"" + text + "\"");
            }
            host = text.substring(1, close);
            String rest = text.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw new IllegalArgumentException("expected \":port\" after ']' in \"" + text + "\"");
                }
                port = rest.substring(1);
            }
        } else if (text.chars().filter(c -> c == ':').count() == 1) {
            // more than one colon: an IPv6 address without a port
            int colon = text.indexOf(':');
            host = text.substring(0, colon);
            port = text.substring(colon + 1);
        }
        if (!isHostName(host) && IpLiteral.parse(host).isEmpty()) {
            throw new IllegalArgumentException("\"" + host + "\" in \"" + text + "\" is neither a host name nor an IP address");
        }
        return new HostPort(host, port == null ? defaultPort : port(port, text), bracketed);
    }

    public static boolean isHostName(String text) {
        return HOST_NAME.matcher(text).matches();
    }

    private static int port(String digits, String text) {
        int port = digits.matches("[0-9]{1,5}") ? Integer.parseInt(digits) : 0;
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("\"" + digits + "\" in \"" + text + "\" is no port number (1 to 65535)");
        }
        return port;
    }
}
