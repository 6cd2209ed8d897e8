package dev.postillion.mta.smtp;

/**
 * What an SMTP listener is for, each with its block in {@code postillion.smtp}. The submission
 * ports serve as the MX port does for now; SMTP AUTH (offered only under TLS, and required
 * before MAIL on these ports: RFC 6409 section 4.3, RFC 8314 section 3.3) will set them apart.
 */
public enum ListenerRole {
    /** Mail from other servers to the domains hosted here (port 25); STARTTLS offered (RFC 3207). */
    MX("mx", false),
    /** Message submission by users' clients (port 587, RFC 6409); STARTTLS offered. */
    SUBMISSION("submission", false),
    /** Message submission over implicit TLS (port 465, RFC 8314 section 3.3): TLS from the first byte. */
    SUBMISSIONS("submissions", true);

    private final String configName;
    private final boolean implicitTls;

    ListenerRole(String configName, boolean implicitTls) {
        this.configName = configName;
        this.implicitTls = implicitTls;
    }

    /** The listener's block in {@code postillion.smtp}, and its name in the log. */
    public String configName() {
        return configName;
    }

    /** TLS starts with the connection, before the greeting, instead of at STARTTLS. */
    public boolean implicitTls() {
        return implicitTls;
    }
}
