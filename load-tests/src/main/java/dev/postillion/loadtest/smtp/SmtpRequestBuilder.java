package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.SessionValue;
/**
 * What a request named with {@code smtp("name")} does: one step of the dialogue, each timed and
 * reported on its own, or a whole message with {@link #sendMessage()}. The steps act on the
 * user's connection, opened by {@link #connect()} and kept until {@link #quit()}.
 */
public final class SmtpRequestBuilder {

    private final String name;

    SmtpRequestBuilder(String name) {
        this.name = name;
    }

    /** Connects (with implicit TLS, through the handshake) and reads the greeting. */
    public SmtpActionBuilder connect() {
        return step(new SmtpStep.Connect());
    }

    /** EHLO with the protocol's EHLO name. */
    public SmtpActionBuilder ehlo() {
        return step(new SmtpStep.Ehlo());
    }

    /** STARTTLS through the end of the TLS handshake; say EHLO again afterwards (RFC 3207 §4.2). */
    public SmtpActionBuilder startTls() {
        return step(new SmtpStep.StartTls());
    }

    /** AUTH with the protocol's credentials ({@code authPlain} or {@code authLogin}). */
    public SmtpActionBuilder auth() {
        return step(new SmtpStep.Auth());
    }

    /** MAIL FROM the sender, in Gatling EL, e.g. {@code "#{sender}"}; "" is the null reverse-path. */
    public SmtpActionBuilder mailFrom(String sender) {
        return step(new SmtpStep.Mail(SessionValue.el(sender)));
    }

    /**
     * RCPT TO each recipient that {@code recipients} names in Gatling EL: one address or a list
     * (a JSON feeder's array). Each RCPT is reported on its own; they are written together when
     * pipelining is on and offered.
     */
    public SmtpActionBuilder rcptTo(String recipients) {
        return step(new SmtpStep.Rcpt(SessionValue.elAny(recipients)));
    }

    /** DATA through the reply to the end of the content, made for the open transaction. */
    public DataActionBuilder data() {
        return new DataActionBuilder(name, MessageContent.DEFAULT, SmtpChecks.NONE);
    }

    /** RSET. */
    public SmtpActionBuilder rset() {
        return step(new SmtpStep.Rset());
    }

    /** QUIT; the connection closes. */
    public SmtpActionBuilder quit() {
        return step(new SmtpStep.Quit());
    }

    /** A whole message, each phase reported as {@code "<name>: MAIL"} and so on (see {@link SendMessageActionBuilder}). */
    public SendMessageActionBuilder sendMessage() {
        return new SendMessageActionBuilder(name, null, null, MessageContent.DEFAULT, SmtpChecks.NONE);
    }

    private SmtpActionBuilder step(SmtpStep step) {
        return new SmtpActionBuilder(name, step, SmtpChecks.NONE);
    }
}
