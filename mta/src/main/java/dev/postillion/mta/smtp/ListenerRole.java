package dev.postillion.mta.smtp;

/**
 * What an SMTP listener is for, each with its block in {@code postillion.smtp}. SMTP AUTH is
 * offered on every listener once TLS is up; the submission ports require it before MAIL (RFC 6409
 * section 4.3, RFC 8314 section 3.3).
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

    /** MAIL is refused (530 5.7.0) until the client has authenticated. */
    public boolean requiresAuth() {
        return this != MX;
    }

    /** TLS starts with the connection, before the greeting, instead of at STARTTLS. */
    public boolean implicitTls() {
        return implicitTls;
    }
}
