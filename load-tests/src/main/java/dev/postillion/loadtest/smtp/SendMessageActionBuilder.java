package dev.postillion.loadtest.smtp;

import dev.postillion.loadtest.wire.SessionValue;
import dev.postillion.loadtest.wire.ReplyChecks;
/**
 * A whole message: connect (or reuse the user's connection), EHLO, STARTTLS and AUTH as the
 * protocol says, MAIL, RCPT for each recipient, DATA, and QUIT once the connection has carried
 * the protocol's messages-per-connection. Each phase is reported as {@code "<name>: <PHASE>"};
 * the checks apply to the reply that ends DATA.
 */
public final class SendMessageActionBuilder extends ContentActionBuilder<SendMessageActionBuilder> {

    private final SessionValue<String> sender;
    private final SessionValue<Object> recipients;

    SendMessageActionBuilder(String name, SessionValue<String> sender, SessionValue<Object> recipients,
            MessageContent content, ReplyChecks<SmtpReply> checks) {
        super(name, content, checks);
        this.sender = sender;
        this.recipients = recipients;
    }

    /** The envelope sender (MAIL FROM) and From, in Gatling EL; "" is the null reverse-path. */
    public SendMessageActionBuilder from(String sender) {
        return new SendMessageActionBuilder(name, SessionValue.el(sender), recipients, content, checks);
    }

    /** The recipients (RCPT TO) and To, in Gatling EL: one address or a list (a JSON feeder's array). */
    public SendMessageActionBuilder to(String recipients) {
        return new SendMessageActionBuilder(name, sender, SessionValue.elAny(recipients), content, checks);
    }

    @Override
    SendMessageActionBuilder with(MessageContent content, ReplyChecks<SmtpReply> checks) {
        return new SendMessageActionBuilder(name, sender, recipients, content, checks);
    }

    @Override
    public io.gatling.core.action.builder.ActionBuilder asScala() {
        if (sender == null || recipients == null) {
            throw new IllegalStateException("smtp(\"" + name + "\").sendMessage() needs from(...) and to(...)");
        }
        return (context, next) -> new SendMessageAction(name, sender, recipients, content, checks,
                SmtpActionBuilder.components(context), next);
    }
}
