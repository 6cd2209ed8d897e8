package dev.postillion.loadtest.wire;

/**
 * How a mailbox reader logs in, with its user and password as Gatling expressions resolved for
 * each virtual user (a feeder's columns).
 */
public record Login(Method method, SessionValue<String> user, SessionValue<String> password) {

    /** The two ways every mail client knows. */
    public enum Method {
        /** The protocol's own command: IMAP's LOGIN (RFC 3501 §6.2.3), POP3's USER and PASS (RFC 1939 §7). */
        COMMAND,
        /**
         * SASL PLAIN (RFC 4616) with the credentials in the first message: IMAP's AUTHENTICATE
         * with SASL-IR (RFC 4959), POP3's AUTH (RFC 5034).
         */
        SASL_PLAIN
    }

    /** User and password as a SASL PLAIN message: no authorization identity, then NUL-separated (RFC 4616 §2), in base64. */
    public static String saslPlain(String user, String password) {
        return java.util.Base64.getEncoder()
                .encodeToString(("\0" + user + "\0" + password).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
